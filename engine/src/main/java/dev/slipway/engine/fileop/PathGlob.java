package dev.slipway.engine.fileop;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A shell pattern over slash-separated relative paths with Go's {@code filepath.Match} syntax
 * ({@code *} and {@code ?} never cross {@code /}, {@code [a-z]}, {@code [^abc]}, {@code \}
 * escapes), which is what BuildKit uses for COPY sources. With {@code doubleStar}, {@code **} also
 * matches any number of directories, as in .dockerignore and {@code --exclude} patterns.
 */
final class PathGlob {

  private final String text;
  private final Pattern regex;

  private PathGlob(String text, Pattern regex) {
    this.text = text;
    this.regex = regex;
  }

  static PathGlob compile(String pattern, boolean doubleStar) {
    StringBuilder re = new StringBuilder("^");
    int n = pattern.length();
    for (int i = 0; i < n; i++) {
      char c = pattern.charAt(i);
      switch (c) {
        case '*' -> {
          if (doubleStar && i + 1 < n && pattern.charAt(i + 1) == '*') {
            i++;
            if (i + 1 < n && pattern.charAt(i + 1) == '/') {
              i++;
              re.append("(?:.*/)?");
            } else {
              re.append(".*");
            }
          } else {
            re.append("[^/]*");
          }
        }
        case '?' -> re.append("[^/]");
        case '\\' -> {
          if (i + 1 >= n) {
            throw invalid(pattern, "it ends with an escape character");
          }
          re.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
        }
        case '[' -> i = appendClass(pattern, i, re);
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    re.append('$');
    try {
      return new PathGlob(pattern, Pattern.compile(re.toString(), Pattern.DOTALL));
    } catch (PatternSyntaxException e) {
      throw invalid(pattern, e.getDescription());
    }
  }

  /** True when the pattern holds an unescaped {@code *}, {@code ?} or {@code [}. */
  static boolean hasWildcards(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '*' || c == '?' || c == '[') {
        return true;
      }
    }
    return false;
  }

  boolean matches(String relativePath) {
    return regex.matcher(relativePath).matches();
  }

  @Override
  public String toString() {
    return text;
  }

  /** Translates {@code [...]} starting at {@code start}; returns the index of its {@code ]}. */
  private static int appendClass(String pattern, int start, StringBuilder re) {
    int i = start + 1;
    int n = pattern.length();
    StringBuilder cls = new StringBuilder("[");
    if (i < n && pattern.charAt(i) == '^') {
      cls.append('^');
      i++;
    }
    boolean first = true;
    while (true) {
      if (i >= n) {
        throw invalid(pattern, "a '[' is not closed");
      }
      char c = pattern.charAt(i);
      if (c == ']' && !first) {
        break;
      }
      first = false;
      char lo = c;
      if (c == '\\') {
        if (++i >= n) {
          throw invalid(pattern, "it ends with an escape character");
        }
        lo = pattern.charAt(i);
      }
      appendClassChar(cls, lo);
      if (i + 2 < n && pattern.charAt(i + 1) == '-' && pattern.charAt(i + 2) != ']') {
        i += 2;
        char hi = pattern.charAt(i);
        if (hi == '\\') {
          if (++i >= n) {
            throw invalid(pattern, "it ends with an escape character");
          }
          hi = pattern.charAt(i);
        }
        if (hi < lo) {
          throw invalid(pattern, "the range " + lo + "-" + hi + " is reversed");
        }
        cls.append('-');
        appendClassChar(cls, hi);
      }
      i++;
    }
    re.append(cls).append(']');
    return i;
  }

  private static void appendClassChar(StringBuilder cls, char c) {
    if (!Character.isLetterOrDigit(c)) {
      cls.append('\\');
    }
    cls.append(c);
  }

  private static FileOpException invalid(String pattern, String why) {
    return new FileOpException(
        "invalid pattern \"" + pattern + "\": " + why + "; escape literal characters with \\");
  }
}
