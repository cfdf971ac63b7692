/**
 * The Dockerfile lexer (BuildKit's {@code parser}): parser directives, comments, line continuations
 * with the escape character, an instruction's leading flags, and heredoc bodies, giving one {@link
 * dev.slipway.engine.frontend.dockerfile.parser.RawInstruction} per instruction.
 */
package dev.slipway.engine.frontend.dockerfile.parser;
