package dev.slipway.engine.frontend.dockerfile.parser;

import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.frontend.dockerfile.SourcePosition;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the parser directives at the top of a Dockerfile ({@code # syntax=}, {@code # escape=},
 * {@code # check=}). As in BuildKit, an unknown directive ends the block and is a comment.
 */
final class DirectiveReader {

  private static final Set<String> KNOWN_DIRECTIVES = Set.of("syntax", "escape", "check");
  private static final Pattern DIRECTIVE =
      Pattern.compile("^#\\s*([a-zA-Z][a-zA-Z0-9]*)\\s*=\\s*(.+?)\\s*$");

  /** The directives, and the index of the first line after them. */
  record Block(Directives directives, int end) {}

  private DirectiveReader() {}

  /**
   * Reads the directive block at the top of {@code lines}: known directives until the first other
   * line; a repeated directive or an invalid value is an error.
   */
  static Block read(String file, String[] lines) {
    int next = 0;
    String syntax = null;
    Character escape = null;
    String check = null;
    int checkLine = 0;
    Set<String> seen = new HashSet<>();
    while (next < lines.length) {
      Matcher m = DIRECTIVE.matcher(lines[next]);
      if (!m.matches()) {
        break;
      }
      String key = m.group(1).toLowerCase(Locale.ROOT);
      if (!KNOWN_DIRECTIVES.contains(key)) {
        break;
      }
      if (!seen.add(key)) {
        throw new DockerfileException(
            new SourcePosition(file, next + 1, 1),
            "only one '" + key + "' parser directive can be used; remove the repeated one");
      }
      String value = m.group(2);
      switch (key) {
        case "syntax" -> syntax = value;
        case "escape" -> {
          if (!value.equals("`") && !value.equals("\\")) {
            throw new DockerfileException(
                new SourcePosition(file, next + 1, 1),
                "invalid escape token '" + value + "': the escape directive takes ` or \\");
          }
          escape = value.charAt(0);
        }
        default -> {
          check = value;
          checkLine = next;
        }
      }
      next++;
    }
    CheckConfig checks = CheckConfig.DEFAULT;
    if (check != null) {
      try {
        checks = CheckConfig.parse(check);
      } catch (IllegalArgumentException e) {
        throw new DockerfileException(
            new SourcePosition(file, checkLine + 1, 1),
            "invalid check directive: " + e.getMessage());
      }
    }
    return new Block(new Directives(syntax, escape == null ? '\\' : escape, checks), next);
  }
}
