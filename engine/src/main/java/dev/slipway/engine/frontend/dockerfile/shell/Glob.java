package dev.slipway.engine.frontend.dockerfile.shell;

import java.util.regex.Pattern;

/**
 * The patterns of the {@code ${v#p}} family as BuildKit reads them: {@code *} any string, {@code ?}
 * one character, everything else literal (no {@code [...]} classes). The pattern keeps the
 * backslashes of its word: {@code \*}, {@code \?} and {@code \\} are literal characters, a
 * backslash before {@code }} or {@code /} is dropped, any other escape is an error.
 */
final class Glob {

  private final Pattern regex;

  private Glob(Pattern regex) {
    this.regex = regex;
  }

  static Glob compile(String pattern) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      switch (c) {
        case '*' -> out.append(".*");
        case '?' -> out.append('.');
        case '\\' -> {
          char next = i + 1 < pattern.length() ? pattern.charAt(i + 1) : 0;
          if (next == '}' || next == '/') {
            continue;
          }
          if (next != '*' && next != '?' && next != '\\') {
            throw new VariableExpander.ExpansionException(
                "invalid pattern ("
                    + pattern
                    + ") in substitution: invalid escape '\\"
                    + (next == 0 ? "" : String.valueOf(next))
                    + "': only \\*, \\? and \\\\ can be escaped");
          }
          out.append(Pattern.quote(String.valueOf(next)));
          i++;
        }
        default -> out.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return new Glob(Pattern.compile(out.toString()));
  }

  /** Whether the whole of {@code s} matches. */
  boolean matches(String s) {
    return regex.matcher(s).matches();
  }
}
