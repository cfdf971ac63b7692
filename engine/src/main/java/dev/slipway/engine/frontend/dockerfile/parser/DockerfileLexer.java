package dev.slipway.engine.frontend.dockerfile.parser;

import dev.slipway.engine.frontend.dockerfile.BuildWarning;
import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.frontend.dockerfile.SourcePosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns Dockerfile text into {@link RawInstruction}s: parser directives, comments, line
 * continuations (with the escape character of the {@code # escape=} directive), flags and heredocs.
 * Follows BuildKit's parser: comment and empty lines inside a continued instruction are dropped,
 * continuation lines are not left-trimmed, an unknown directive ends the directive block.
 */
public final class DockerfileLexer {

  static final Set<String> KEYWORDS =
      Set.of(
          "add",
          "arg",
          "cmd",
          "copy",
          "entrypoint",
          "env",
          "expose",
          "from",
          "healthcheck",
          "label",
          "maintainer",
          "onbuild",
          "run",
          "shell",
          "stopsignal",
          "user",
          "volume",
          "workdir");

  private static final Set<String> HEREDOC_KEYWORDS = Set.of("run", "copy", "add");
  private static final Pattern HEREDOC_WORD = Pattern.compile("^(\\d*)<<(-?)([^<]*)$");

  /** The lexer's output. */
  public record Lexed(
      Directives directives, List<RawInstruction> instructions, List<BuildWarning> warnings) {}

  private final String file;
  private final String[] lines;
  private final List<BuildWarning> warnings = new ArrayList<>();
  private int next;

  private DockerfileLexer(String file, String text) {
    this.file = file;
    String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
    this.lines = t.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].endsWith("\r")) {
        lines[i] = lines[i].substring(0, lines[i].length() - 1);
      }
    }
  }

  public static Lexed lex(String file, String text) {
    return new DockerfileLexer(file, text).run();
  }

  /** Lexes text that is not a whole file (ONBUILD triggers): no directives, default escape. */
  public static List<RawInstruction> lexTriggers(String file, String text, SourcePosition at) {
    DockerfileLexer lexer = new DockerfileLexer(file, text);
    List<RawInstruction> out = new ArrayList<>();
    for (RawInstruction r : lexer.instructions('\\')) {
      out.add(
          new RawInstruction(
              r.keyword(),
              r.keywordAsWritten(),
              r.flags(),
              r.args(),
              r.heredocs(),
              r.original(),
              at,
              at.line()));
    }
    return out;
  }

  private SourcePosition at(int lineIndex, int column) {
    return new SourcePosition(file, lineIndex + 1, column);
  }

  private Lexed run() {
    DirectiveReader.Block block = DirectiveReader.read(file, lines);
    next = block.end();
    Directives directives = block.directives();
    return new Lexed(directives, instructions(directives.escape()), warnings);
  }

  private static int leadingWhitespace(String line) {
    int i = 0;
    while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  private static boolean isCommentOrBlank(String line) {
    int i = leadingWhitespace(line);
    return i == line.length() || line.charAt(i) == '#';
  }

  /** Strips a trailing escape (plus blanks): the text and whether the instruction continues. */
  private static String[] continuation(String line, char escape) {
    int end = line.length();
    while (end > 0 && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t')) {
      end--;
    }
    if (end > 0 && line.charAt(end - 1) == escape) {
      return new String[] {line.substring(0, end - 1), "true"};
    }
    return new String[] {line, null};
  }

  private List<RawInstruction> instructions(char escape) {
    List<RawInstruction> out = new ArrayList<>();
    while (next < lines.length) {
      int startIndex = next;
      String first = lines[next++];
      if (isCommentOrBlank(first)) {
        continue;
      }
      int column = leadingWhitespace(first) + 1;
      String[] part = continuation(first.substring(column - 1), escape);
      StringBuilder joined = new StringBuilder(part[0]);
      boolean emptyContinuation = false;
      while (part[1] != null && next < lines.length) {
        String line = lines[next++];
        if (isCommentOrBlank(line)) {
          emptyContinuation |= line.isBlank();
          continue;
        }
        part = continuation(line, escape);
        joined.append(part[0]);
      }
      SourcePosition position = at(startIndex, column);
      if (emptyContinuation) {
        // BuildKit reports it at the instruction's last line
        warnings.add(
            new BuildWarning("NoEmptyContinuation", "Empty continuation line", at(next - 1, 1)));
      }
      out.add(instruction(joined.toString().strip(), position));
    }
    return out;
  }

  private RawInstruction instruction(String line, SourcePosition position) {
    int ws = 0;
    while (ws < line.length() && !Character.isWhitespace(line.charAt(ws))) {
      ws++;
    }
    String written = line.substring(0, ws);
    String keyword = written.toLowerCase(Locale.ROOT);
    if (!KEYWORDS.contains(keyword)) {
      throw new DockerfileException(
          position,
          "unknown instruction: "
              + written
              + " (instructions are "
              + String.join(", ", KEYWORDS.stream().sorted().toList()).toUpperCase(Locale.ROOT)
              + ")");
    }
    String rest = line.substring(ws).strip();
    List<String> flags = new ArrayList<>();
    String args = keyword.equals("onbuild") ? rest : extractFlags(rest, flags);
    List<Heredoc> heredocs = List.of();
    if (HEREDOC_KEYWORDS.contains(keyword) && !args.startsWith("[")) {
      heredocs = heredocs(args, position);
    }
    return new RawInstruction(keyword, written, flags, args, heredocs, line, position, next);
  }

  /**
   * Splits leading {@code --flag[=value]} words off {@code rest} into {@code flags} (quotes and
   * backslash escapes inside a flag are resolved, {@code --} alone ends the flags) and returns the
   * remainder.
   */
  static String extractFlags(String rest, List<String> flags) {
    int pos = 0;
    int n = rest.length();
    while (true) {
      while (pos < n && Character.isWhitespace(rest.charAt(pos))) {
        pos++;
      }
      if (pos + 1 >= n || rest.charAt(pos) != '-' || rest.charAt(pos + 1) != '-') {
        return rest.substring(pos);
      }
      StringBuilder word = new StringBuilder();
      char quote = 0;
      int start = pos;
      while (pos < n) {
        char ch = rest.charAt(pos);
        if (quote == 0 && Character.isWhitespace(ch)) {
          break;
        }
        pos++;
        if (quote == 0 && (ch == '\'' || ch == '"')) {
          quote = ch;
        } else if (quote != 0 && ch == quote) {
          quote = 0;
        } else if (ch == '\\' && pos < n) {
          word.append(rest.charAt(pos++));
        } else {
          word.append(ch);
        }
      }
      if (pos - start == 2 && word.toString().equals("--")) {
        return rest.substring(pos).stripLeading();
      }
      flags.add(word.substring(2));
    }
  }

  /** Shell-like words of a line, quotes kept (used to find heredoc markers). */
  static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (quote == 0 && Character.isWhitespace(ch)) {
        if (!word.isEmpty()) {
          words.add(word.toString());
          word.setLength(0);
        }
        continue;
      }
      if (quote == 0 && (ch == '\'' || ch == '"')) {
        quote = ch;
      } else if (ch == quote) {
        quote = 0;
      }
      word.append(ch);
    }
    if (!word.isEmpty()) {
      words.add(word.toString());
    }
    return words;
  }

  /** A heredoc marker word: its delimiter name and whether it was quoted, or null. */
  public record Marker(String name, boolean quoted, boolean chomp) {}

  public static Marker marker(String word) {
    Matcher m = HEREDOC_WORD.matcher(word);
    if (!m.matches() || m.group(3).isEmpty()) {
      return null;
    }
    String name = m.group(3);
    boolean quoted = false;
    if (name.length() >= 2
        && (name.charAt(0) == '"' || name.charAt(0) == '\'')
        && name.charAt(name.length() - 1) == name.charAt(0)) {
      name = name.substring(1, name.length() - 1);
      quoted = true;
    }
    if (name.isEmpty() || name.indexOf('"') >= 0 || name.indexOf('\'') >= 0) {
      return null;
    }
    return new Marker(name, quoted, !m.group(2).isEmpty());
  }

  private List<Heredoc> heredocs(String args, SourcePosition position) {
    List<Heredoc> found = new ArrayList<>();
    for (String word : words(args)) {
      Marker marker = marker(word);
      if (marker == null) {
        continue;
      }
      StringBuilder body = new StringBuilder();
      boolean terminated = false;
      while (next < lines.length) {
        String line = lines[next++];
        String candidate = marker.chomp() ? stripTabs(line) : line;
        if (candidate.equals(marker.name())) {
          terminated = true;
          break;
        }
        body.append(candidate).append('\n');
      }
      if (!terminated) {
        throw new DockerfileException(
            position,
            "unterminated heredoc <<"
                + marker.name()
                + ": add a line containing only "
                + marker.name()
                + " after its content");
      }
      found.add(new Heredoc(marker.name(), body.toString(), !marker.quoted(), marker.chomp()));
    }
    return found;
  }

  private static String stripTabs(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) == '\t') {
      i++;
    }
    return line.substring(i);
  }
}
