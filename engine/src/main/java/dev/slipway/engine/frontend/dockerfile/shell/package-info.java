/** Variable expansion in Dockerfile words, as BuildKit's {@code shell} lexer does it. */
package dev.slipway.engine.frontend.dockerfile.shell;
