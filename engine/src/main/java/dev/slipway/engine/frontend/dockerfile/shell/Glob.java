package dev.slipway.engine.frontend.dockerfile.shell;

/**
 * Shell glob matching of a whole string ({@code *}, {@code ?}, {@code [...]} with {@code !} or
 * {@code ^} negation and ranges, backslash escapes), as used by the {@code ${v#p}} family. A
 * malformed class is matched literally, as a shell does. Iterative with back-tracking on the last
 * star only, so it runs in O(n*m).
 */
final class Glob {

  private Glob() {}

  static boolean matches(String pattern, String s) {
    int p = 0;
    int i = 0;
    int starP = -1;
    int starI = -1;
    while (i < s.length()) {
      if (p < pattern.length()) {
        char c = pattern.charAt(p);
        if (c == '*') {
          starP = p++;
          starI = i;
          continue;
        }
        int next = matchOne(pattern, p, s.charAt(i));
        if (next >= 0) {
          p = next;
          i++;
          continue;
        }
      }
      if (starP < 0) {
        return false;
      }
      p = starP + 1;
      i = ++starI;
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }

  /** Matches one pattern element at {@code p} against {@code ch}: next pattern index or -1. */
  private static int matchOne(String pattern, int p, char ch) {
    char c = pattern.charAt(p);
    if (c == '?') {
      return p + 1;
    }
    if (c == '\\' && p + 1 < pattern.length()) {
      return pattern.charAt(p + 1) == ch ? p + 2 : -1;
    }
    if (c == '[') {
      int end = classEnd(pattern, p);
      if (end > 0) {
        return classMatches(pattern, p + 1, end, ch) ? end + 1 : -1;
      }
    }
    return c == ch ? p + 1 : -1;
  }

  private static int classEnd(String pattern, int open) {
    int j = open + 1;
    if (j < pattern.length() && (pattern.charAt(j) == '!' || pattern.charAt(j) == '^')) {
      j++;
    }
    if (j < pattern.length() && pattern.charAt(j) == ']') {
      j++;
    }
    while (j < pattern.length() && pattern.charAt(j) != ']') {
      j++;
    }
    return j < pattern.length() ? j : -1;
  }

  private static boolean classMatches(String pattern, int from, int end, char ch) {
    boolean negate = pattern.charAt(from) == '!' || pattern.charAt(from) == '^';
    int j = negate ? from + 1 : from;
    boolean found = false;
    boolean first = true;
    while (j < end) {
      char lo = pattern.charAt(j);
      if (lo == ']' && !first) {
        break;
      }
      first = false;
      if (j + 2 < end && pattern.charAt(j + 1) == '-') {
        char hi = pattern.charAt(j + 2);
        found |= ch >= lo && ch <= hi;
        j += 3;
      } else {
        found |= ch == lo;
        j++;
      }
    }
    return found != negate;
  }
}
