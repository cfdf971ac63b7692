/**
 * The typed instruction model (BuildKit's {@code instructions}): {@link
 * dev.slipway.engine.frontend.dockerfile.instructions.Dockerfile#parse} checks each lexed
 * instruction's flags and arguments, groups the instructions into stages, and collects the build
 * checks that need no evaluation. Values stay as written; conversion expands them.
 */
package dev.slipway.engine.frontend.dockerfile.instructions;
