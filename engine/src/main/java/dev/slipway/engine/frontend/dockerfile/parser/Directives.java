package dev.slipway.engine.frontend.dockerfile.parser;

/**
 * The parser directives at the top of a Dockerfile: {@code # syntax=}, {@code # escape=} and {@code
 * # check=} (build check configuration, see {@link CheckConfig}).
 */
public record Directives(String syntax, char escape, CheckConfig checks) {}
