package dev.slipway.engine.frontend.dockerfile.dockerignore;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Docker's context path matcher (the {@code .dockerignore} rules, also used for COPY {@code
 * --exclude}): {@code *} and {@code ?} within one path element, {@code [...]} classes, {@code **}
 * across elements, {@code !} exceptions. Patterns apply in order and the last one that matches a
 * path decides; a pattern that matches a directory matches everything below it.
 *
 * <p>Paths are relative to the context root, with {@code /} separators.
 */
public final class PatternMatcher {

  /** One compiled pattern. */
  public record Rule(String pattern, boolean exclusion, Pattern regex) {}

  private final List<Rule> rules;
  private final boolean hasExclusions;

  private PatternMatcher(List<Rule> rules) {
    this.rules = List.copyOf(rules);
    this.hasExclusions = rules.stream().anyMatch(Rule::exclusion);
  }

  /**
   * Compiles patterns as {@link DockerIgnore} produces them ({@code !} prefix for exceptions,
   * already cleaned). Throws IllegalArgumentException for a malformed pattern.
   */
  public static PatternMatcher of(List<String> patterns) {
    List<Rule> rules = new ArrayList<>();
    for (String p : patterns) {
      boolean exclusion = p.startsWith("!");
      String body = exclusion ? p.substring(1) : p;
      if (body.isEmpty()) {
        throw new IllegalArgumentException("illegal exclusion pattern: \"!\"");
      }
      String clean = DockerIgnore.cleanPath(body);
      rules.add(new Rule(clean, exclusion, compile(clean)));
    }
    return new PatternMatcher(rules);
  }

  public List<Rule> rules() {
    return rules;
  }

  /** Whether any pattern is an exception ({@code !}); walkers must then descend excluded dirs. */
  public boolean hasExclusions() {
    return hasExclusions;
  }

  /** Whether {@code path} (or a directory above it) is excluded by the patterns. */
  public boolean matches(String path) {
    String file = DockerIgnore.cleanPath(path);
    String[] parents = file.split("/", -1);
    boolean matched = false;
    for (Rule rule : rules) {
      if (rule.exclusion() != matched) {
        // a non-exclusion can only turn matched on, an exclusion only off
        continue;
      }
      boolean m = rule.regex().matcher(file).matches();
      // a pattern that matches a directory above the path excludes everything below it
      StringBuilder parent = new StringBuilder();
      for (int i = 0; !m && i < parents.length - 1; i++) {
        if (i > 0) {
          parent.append('/');
        }
        parent.append(parents[i]);
        m = rule.regex().matcher(parent).matches();
      }
      if (m) {
        matched = !rule.exclusion();
      }
    }
    return matched;
  }

  static Pattern compile(String pattern) {
    StringBuilder re = new StringBuilder("^");
    int n = pattern.length();
    for (int i = 0; i < n; i++) {
      char ch = pattern.charAt(i);
      switch (ch) {
        case '*' -> {
          if (i + 1 < n && pattern.charAt(i + 1) == '*') {
            i++;
            if (i + 1 < n && pattern.charAt(i + 1) == '/') {
              i++;
            }
            re.append(i + 1 >= n ? ".*" : "(.*/)?");
          } else {
            re.append("[^/]*");
          }
        }
        case '?' -> re.append("[^/]");
        case '\\' -> {
          if (i + 1 >= n) {
            throw new IllegalArgumentException(
                "syntax error in pattern \"" + pattern + "\": trailing \\");
          }
          re.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
        }
        case '[' -> i = charClass(pattern, i, re);
        default -> re.append(Pattern.quote(String.valueOf(ch)));
      }
    }
    return Pattern.compile(re.append('$').toString(), Pattern.DOTALL);
  }

  private static int charClass(String pattern, int open, StringBuilder re) {
    int i = open + 1;
    StringBuilder cls = new StringBuilder("[");
    if (i < pattern.length() && (pattern.charAt(i) == '!' || pattern.charAt(i) == '^')) {
      cls.append('^');
      i++;
    }
    boolean any = false;
    while (i < pattern.length() && pattern.charAt(i) != ']') {
      char c = pattern.charAt(i);
      if (c == '\\' && i + 1 < pattern.length()) {
        c = pattern.charAt(++i);
      }
      if (c == '-' && any && i + 1 < pattern.length() && pattern.charAt(i + 1) != ']') {
        cls.append('-');
      } else {
        cls.append(String.format("\\x{%x}", (int) c));
      }
      any = true;
      i++;
    }
    if (i >= pattern.length() || !any) {
      throw new IllegalArgumentException(
          "syntax error in pattern \"" + pattern + "\": unterminated or empty [ ] class");
    }
    re.append(cls).append(']');
    return i;
  }
}
