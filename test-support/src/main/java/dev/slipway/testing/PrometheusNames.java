package dev.slipway.testing;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Metric names on both sides of a Prometheus scrape: the series a PromQL expression selects (as
 * Prometheus would look them up, e.g. {@code slipway_build_duration_seconds_bucket}) and the series
 * a {@code /metrics} page exposes. Dashboards and alert rules are checked against real scrapes with
 * these.
 */
public final class PrometheusNames {

  /** Words of PromQL that are never metric names: operators, modifiers, literals. */
  private static final Set<String> KEYWORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "bool",
          "offset",
          "atan2",
          "inf",
          "nan",
          "sum",
          "min",
          "max",
          "avg",
          "group",
          "stddev",
          "stdvar",
          "count",
          "count_values",
          "bottomk",
          "topk",
          "quantile",
          "limitk",
          "limit_ratio");

  /** Keywords followed by a parenthesised list of label names. */
  private static final Set<String> LABEL_LISTS =
      Set.of("by", "without", "on", "ignoring", "group_left", "group_right");

  private PrometheusNames() {}

  /**
   * The metric names {@code expr} selects: identifiers that are not functions, keywords, label
   * names, strings, numbers, durations or {@code $variables}. A selector written as {@code
   * {__name__="x"}} is not seen.
   */
  public static Set<String> queried(String expr) {
    Set<String> names = new LinkedHashSet<>();
    int i = 0;
    int n = expr.length();
    while (i < n) {
      char c = expr.charAt(i);
      if (c == '"' || c == '\'' || c == '`') {
        i = skipString(expr, i);
      } else if (c == '{') {
        i = skipPast(expr, i, '}');
      } else if (c == '[') {
        i = skipPast(expr, i, ']');
      } else if (c == '#') {
        i = skipPast(expr, i, '\n');
      } else if (c == '$') {
        i = skipWord(expr, i + 1);
      } else if (Character.isDigit(c)
          || c == '.' && i + 1 < n && Character.isDigit(expr.charAt(i + 1))) {
        i = skipWord(expr, i); // a number or a duration: 0.9, 1e3, 5m, 0x1f
      } else if (isNameStart(c)) {
        int end = skipWord(expr, i);
        String word = expr.substring(i, end);
        int next = skipSpace(expr, end);
        boolean call = next < n && expr.charAt(next) == '(';
        if (LABEL_LISTS.contains(word)) {
          i = call ? skipPast(expr, next, ')') : end;
        } else {
          if (!call && !KEYWORDS.contains(word)) {
            names.add(word);
          }
          i = end;
        }
      } else {
        i++;
      }
    }
    return names;
  }

  /** The series names a Prometheus text exposition (a {@code /metrics} page) holds. */
  public static Set<String> exposed(String exposition) {
    Set<String> names = new LinkedHashSet<>();
    for (String line : exposition.lines().toList()) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      int end = 0;
      while (end < l.length() && (isNameStart(l.charAt(end)) || Character.isDigit(l.charAt(end)))) {
        end++;
      }
      if (end > 0) {
        names.add(l.substring(0, end));
      }
    }
    return names;
  }

  private static boolean isNameStart(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':';
  }

  private static int skipWord(String s, int i) {
    while (i < s.length()
        && (isNameStart(s.charAt(i)) || Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
      i++;
    }
    return i;
  }

  private static int skipSpace(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  /** Past the closing {@code close} of what starts at {@code i}, quotes inside respected. */
  private static int skipPast(String s, int i, char close) {
    int j = i + 1;
    while (j < s.length() && s.charAt(j) != close) {
      char c = s.charAt(j);
      j = c == '"' || c == '\'' || c == '`' ? skipString(s, j) : j + 1;
    }
    return Math.min(j + 1, s.length());
  }

  private static int skipString(String s, int i) {
    char quote = s.charAt(i);
    int j = i + 1;
    while (j < s.length() && s.charAt(j) != quote) {
      j += s.charAt(j) == '\\' && quote != '`' ? 2 : 1;
    }
    return Math.min(j + 1, s.length());
  }
}
