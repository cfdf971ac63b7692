package dev.slipway.engine.frontend.dockerfile.parser;

import dev.slipway.engine.frontend.dockerfile.CheckRule;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which build checks run and whether a finding fails the build: the value of the {@code # check=}
 * directive or of the {@code BUILDKIT_DOCKERFILE_CHECK} build arg, which replaces the directive as
 * a whole, as in BuildKit ({@code skip=Rule1,Rule2|all;error=true;experimental=Rule3|all}).
 */
public record CheckConfig(Set<String> skipped, boolean errors, Set<String> experimental) {

  /** The build arg that overrides the directive. */
  public static final String BUILD_ARG = "BUILDKIT_DOCKERFILE_CHECK";

  public static final CheckConfig DEFAULT = new CheckConfig(Set.of(), false, Set.of());

  public CheckConfig {
    skipped = Set.copyOf(skipped);
    experimental = Set.copyOf(experimental);
  }

  /** Whether findings of {@code rule} are reported. */
  public boolean enabled(String rule) {
    String r = rule.toLowerCase(Locale.ROOT);
    if (CheckRule.named(rule).map(CheckRule::experimental).orElse(false)
        && !experimental.contains("all")
        && !experimental.contains(r)) {
      return false;
    }
    return !skipped.contains("all") && !skipped.contains(r);
  }

  /**
   * Parses a {@code check} value; throws IllegalArgumentException with what is wrong and how to
   * write it.
   */
  public static CheckConfig parse(String value) {
    Set<String> skipped = new LinkedHashSet<>();
    Set<String> experimental = new LinkedHashSet<>();
    boolean errors = false;
    for (String part : value.split(";")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      String k = eq < 0 ? p : p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String v = eq < 0 ? "" : p.substring(eq + 1).trim();
      switch (k) {
        case "skip" -> names(v, skipped);
        case "experimental" -> names(v, experimental);
        case "error" -> {
          if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException("error=" + v + " (use true or false)");
          }
          errors = v.equalsIgnoreCase("true");
        }
        default ->
            throw new IllegalArgumentException(
                "option '" + k + "': use skip=RULE,..., error=true or experimental=RULE,...");
      }
    }
    return new CheckConfig(skipped, errors, experimental);
  }

  private static void names(String list, Set<String> into) {
    for (String rule : list.split(",")) {
      if (!rule.isBlank()) {
        into.add(rule.trim().toLowerCase(Locale.ROOT));
      }
    }
  }
}
