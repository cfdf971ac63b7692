package dev.slipway.engine.frontend.dockerfile.parser;

import java.util.Set;

/**
 * The parser directives at the top of a Dockerfile: {@code # syntax=}, {@code # escape=} and {@code
 * # check=} (build check configuration: {@code skip=Rule1,Rule2|all}, {@code error=true|false}).
 */
public record Directives(
    String syntax, char escape, Set<String> skippedChecks, boolean checksAreErrors) {

  public Directives {
    skippedChecks = Set.copyOf(skippedChecks);
  }

  public boolean checkEnabled(String rule) {
    return !skippedChecks.contains("all") && !skippedChecks.contains(rule.toLowerCase());
  }
}
