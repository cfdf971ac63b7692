package dev.slipway.engine.frontend.dockerfile.shell;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Expands variables in one Dockerfile word the way BuildKit's shell lexer does: {@code $v}, {@code
 * ${v}}, {@code ${v:-w}}, {@code ${v-w}}, {@code ${v:+w}}, {@code ${v+w}}, {@code ${v:?msg}},
 * {@code ${v?msg}}, {@code ${v#p}}, {@code ${v##p}}, {@code ${v%p}}, {@code ${v%%p}}, {@code
 * ${v/p/r}}, {@code ${v//p/r}}. Single quotes are literal, double quotes allow expansion, the
 * escape character makes the next character literal; quotes and escapes are removed. Whitespace is
 * kept (one word in, one string out).
 */
public final class VariableExpander {

  /** An expansion that cannot be done; the caller adds the position. */
  public static final class ExpansionException extends RuntimeException {
    ExpansionException(String message) {
      super(message, null, false, false);
    }
  }

  /** The expanded text and the names that were referenced but not defined. */
  public record Result(String value, Set<String> undefined) {}

  /** The words of an expansion split the way BuildKit's EXPOSE splits them. */
  public record Words(List<String> words, Set<String> undefined) {}

  private static final int MAX_NESTING = 64;
  private static final String SPECIAL_PARAMS = "*#@?-$!";

  private final char escape;

  public VariableExpander(char escape) {
    this.escape = escape;
  }

  /** Expands {@code word}; {@code lookup} returns null for an undefined name. */
  public Result expand(String word, Function<String, String> lookup) {
    Scan s = new Scan(word, lookup, false);
    String value = s.until((char) 0, 0).text;
    return new Result(value, s.undefined);
  }

  /**
   * Expands {@code word} and splits the result into words at whitespace that is neither quoted nor
   * escaped, including whitespace a variable's value brings (BuildKit's ProcessWords).
   */
  public Words expandWords(String word, Function<String, String> lookup) {
    Scan s = new Scan(word, lookup, false);
    s.splitter = new WordSplitter();
    s.until((char) 0, 0);
    return new Words(s.splitter.words(), s.undefined);
  }

  /**
   * Expands {@code text} for display the way BuildKit names a RUN step: quotes stay, and a
   * reference to an undefined name stays as written (the shell may still define it).
   */
  public String expandKeepingQuotes(String text, Function<String, String> lookup) {
    return new Scan(text, lookup, true).until((char) 0, 0).text;
  }

  private record Part(String text, boolean stopped) {}

  private final class Scan {
    final String in;
    final Function<String, String> lookup;
    final boolean verbatim;
    final Set<String> undefined = new LinkedHashSet<>();
    int pos;

    /** Keep escape characters (BuildKit does in patterns, so {@code \*} stays literal). */
    boolean raw;

    /** Collects the words of the top level when splitting (null otherwise). */
    WordSplitter splitter;

    Scan(String in, Function<String, String> lookup, boolean verbatim) {
      this.in = in;
      this.lookup = lookup;
      this.verbatim = verbatim;
    }

    /** Processes up to the unquoted, unescaped {@code stop} (consumed) or the end (stop = 0). */
    Part until(char stop, int depth) {
      if (depth > MAX_NESTING) {
        throw new ExpansionException("variable substitutions are nested too deeply");
      }
      StringBuilder out = new StringBuilder();
      while (pos < in.length()) {
        char ch = in.charAt(pos);
        if (stop != 0 && ch == stop) {
          pos++;
          return new Part(out.toString(), true);
        }
        pos++;
        WordSplitter words = depth == 0 ? splitter : null;
        int before = out.length();
        if (ch == '\'') {
          int end = in.indexOf('\'', pos);
          if (end < 0) {
            throw new ExpansionException(
                "unexpected end of statement while looking for matching single-quote");
          }
          out.append(in, verbatim ? pos - 1 : pos, verbatim ? end + 1 : end);
          pos = end + 1;
        } else if (ch == '"') {
          doubleQuoted(out, depth);
        } else if (ch == '$') {
          dollar(out, depth);
          if (words != null) {
            words.addSplitting(out.substring(before));
          }
          continue;
        } else if (ch == escape) {
          if (raw) {
            out.append(ch);
          }
          if (pos < in.length()) {
            out.append(in.charAt(pos++));
          }
        } else {
          out.append(ch);
          if (words != null) {
            words.addSplitting(String.valueOf(ch));
          }
          continue;
        }
        if (words != null) {
          words.addRaw(out.substring(before));
        }
      }
      return new Part(out.toString(), false);
    }

    void doubleQuoted(StringBuilder out, int depth) {
      if (verbatim) {
        out.append('"');
      }
      while (pos < in.length()) {
        char ch = in.charAt(pos++);
        if (ch == '"') {
          if (verbatim) {
            out.append('"');
          }
          return;
        }
        if (ch == '$') {
          dollar(out, depth);
        } else if (ch == escape && pos < in.length()) {
          if (raw) {
            out.append(ch);
          }
          char next = in.charAt(pos);
          if (next == '"' || next == '$' || next == escape) {
            out.append(next);
            pos++;
          } else {
            out.append(ch);
          }
        } else if (ch != escape) {
          out.append(ch);
        }
      }
      throw new ExpansionException(
          "unexpected end of statement while looking for matching double-quote");
    }

    void dollar(StringBuilder out, int depth) {
      if (pos >= in.length()) {
        out.append('$');
        return;
      }
      int start = pos - 1;
      char ch = in.charAt(pos);
      if (ch == '{') {
        pos++;
        String value = braced(depth);
        out.append(value != null ? value : in.substring(start, pos));
      } else if (isNameChar(ch) || SPECIAL_PARAMS.indexOf(ch) >= 0) {
        String name = name();
        out.append(verbatim && lookup.apply(name) == null ? "$" + name : value(name, ""));
      } else {
        out.append('$');
      }
    }

    /** A name; as in a shell, positional ({@code $1}) and special ({@code $-}) ones are short. */
    String name() {
      int start = pos;
      if (pos < in.length() && SPECIAL_PARAMS.indexOf(in.charAt(pos)) >= 0) {
        pos++;
        return in.substring(start, pos);
      }
      if (pos < in.length() && Character.isDigit(in.charAt(pos))) {
        while (pos < in.length() && Character.isDigit(in.charAt(pos))) {
          pos++;
        }
        return in.substring(start, pos);
      }
      while (pos < in.length() && isNameChar(in.charAt(pos))) {
        pos++;
      }
      return in.substring(start, pos);
    }

    String value(String name, String orElse) {
      String v = lookup.apply(name);
      if (v == null) {
        undefined.add(name);
        return orElse;
      }
      return v;
    }

    /** The value of a {@code ${...}} (its opening consumed); null to keep it as written. */
    String braced(int depth) {
      String name = name();
      if (name.isEmpty() || pos >= in.length()) {
        throw new ExpansionException("bad substitution: expected ${name} or ${name<modifier>...}");
      }
      char op = in.charAt(pos++);
      String current = lookup.apply(name);
      if (verbatim && current == null) {
        if (op != '}') {
          pos--;
          word(depth, false);
        }
        return null;
      }
      switch (op) {
        case '}' -> {
          return value(name, "");
        }
        case ':' -> {
          if (pos >= in.length() || "-+?".indexOf(in.charAt(pos)) < 0) {
            throw new ExpansionException(
                "unsupported modifier in ${"
                    + name
                    + ":...}: use one of :- :+ :? after the variable name");
          }
          char mod = in.charAt(pos++);
          String word = word(depth, false);
          boolean set = current != null && !current.isEmpty();
          return modifier(name, mod, word, current, set);
        }
        case '-', '+', '?' -> {
          String word = word(depth, false);
          return modifier(name, op, word, current, current != null);
        }
        case '#', '%' -> {
          return trim(name, op, current, depth);
        }
        case '/' -> {
          boolean all = pos < in.length() && in.charAt(pos) == '/';
          if (all) {
            pos++;
          }
          boolean wasRaw = raw;
          raw = true;
          Part pattern = until('/', depth + 1);
          raw = wasRaw;
          String replacement = "";
          if (pattern.stopped) {
            replacement = word(depth, true);
          } else {
            // BuildKit, unlike bash, needs the second slash even for an empty replacement
            throw new ExpansionException(
                "missing '/' in ${"
                    + name
                    + "/pattern/replacement}: write ${"
                    + name
                    + "/pattern/} to remove the match");
          }
          String v = current == null ? value(name, "") : current;
          return replace(v, pattern.text, replacement, all);
        }
        default ->
            throw new ExpansionException(
                "unsupported modifier ("
                    + op
                    + ") in substitution ${"
                    + name
                    + "...}: supported are :- - :+ + :? ? # ## % %% / //");
      }
    }

    /** The word up to the closing brace, keeping escape characters when {@code rawEscapes}. */
    String word(int depth, boolean rawEscapes) {
      boolean wasRaw = raw;
      raw = rawEscapes;
      Part p = until('}', depth + 1);
      raw = wasRaw;
      if (!p.stopped) {
        throw new ExpansionException("missing '}' to close a ${...} substitution");
      }
      return p.text;
    }

    /** {@code ${v#p}}, {@code ${v##p}}, {@code ${v%p}}, {@code ${v%%p}} (after the operator). */
    String trim(String name, char op, String current, int depth) {
      boolean longest = pos < in.length() && in.charAt(pos) == op;
      if (longest) {
        pos++;
      }
      Glob pattern = Glob.compile(word(depth, true));
      String v = current == null ? value(name, "") : current;
      return op == '#' ? trimPrefix(v, pattern, longest) : trimSuffix(v, pattern, longest);
    }

    String modifier(String name, char mod, String word, String current, boolean set) {
      return switch (mod) {
        case '-' -> set ? current : word;
        case '+' -> set ? word : "";
        default -> {
          if (set) {
            yield current;
          }
          throw new ExpansionException(
              name + ": " + (word.isEmpty() ? "is not allowed to be unset or empty" : word));
        }
      };
    }
  }

  /** Letters and digits of any script, as BuildKit's lexer reads names (not only ASCII). */
  static boolean isNameChar(char c) {
    return c == '_' || Character.isLetterOrDigit(c);
  }

  private static String trimPrefix(String v, Glob pattern, boolean longest) {
    if (longest) {
      for (int i = v.length(); i >= 0; i--) {
        if (pattern.matches(v.substring(0, i))) {
          return v.substring(i);
        }
      }
    } else {
      for (int i = 0; i <= v.length(); i++) {
        if (pattern.matches(v.substring(0, i))) {
          return v.substring(i);
        }
      }
    }
    return v;
  }

  private static String trimSuffix(String v, Glob pattern, boolean longest) {
    if (longest) {
      for (int i = 0; i <= v.length(); i++) {
        if (pattern.matches(v.substring(i))) {
          return v.substring(0, i);
        }
      }
    } else {
      for (int i = v.length(); i >= 0; i--) {
        if (pattern.matches(v.substring(i))) {
          return v.substring(0, i);
        }
      }
    }
    return v;
  }

  /** Replaces the longest match of {@code pattern} starting at the leftmost position possible. */
  private static String replace(String v, String raw, String replacement, boolean all) {
    if (raw.isEmpty()) {
      return v;
    }
    Glob pattern = Glob.compile(raw);
    StringBuilder out = new StringBuilder();
    int i = 0;
    boolean replaced = false;
    while (i < v.length()) {
      int matchEnd = -1;
      if (all || !replaced) {
        for (int end = v.length(); end > i; end--) {
          if (pattern.matches(v.substring(i, end))) {
            matchEnd = end;
            break;
          }
        }
      }
      if (matchEnd > 0) {
        out.append(replacement);
        i = matchEnd;
        replaced = true;
      } else {
        out.append(v.charAt(i++));
      }
    }
    return out.toString();
  }

  /** BuildKit's word splitting: whitespace ends a word unless it was quoted or escaped. */
  private static final class WordSplitter {
    private final List<String> words = new ArrayList<>();
    private final StringBuilder word = new StringBuilder();
    private boolean inWord;

    void addSplitting(String s) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (!Character.isWhitespace(c)) {
          word.append(c);
          inWord = true;
        } else if (inWord && !word.isEmpty()) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      }
    }

    void addRaw(String s) {
      word.append(s);
      inWord = true;
    }

    List<String> words() {
      if (!word.isEmpty()) {
        words.add(word.toString());
        word.setLength(0);
      }
      return List.copyOf(words);
    }
  }
}
