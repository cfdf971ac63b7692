package dev.slipway.engine.frontend.dockerfile.instructions;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the exec form of an instruction: a strict JSON array of strings, nothing else. Returns null
 * for anything that is not, so that the caller can fall back to the shell form as BuildKit does.
 */
final class JsonArgs {

  private final String s;
  private int pos;

  private JsonArgs(String s) {
    this.s = s;
  }

  static List<String> parse(String text) {
    String t = text.strip();
    if (!t.startsWith("[")) {
      return null;
    }
    return new JsonArgs(t).array();
  }

  private List<String> array() {
    pos = 1;
    List<String> out = new ArrayList<>();
    skipSpace();
    if (peek() == ']') {
      pos++;
      return atEnd() ? out : null;
    }
    while (true) {
      skipSpace();
      String v = string();
      if (v == null) {
        return null;
      }
      out.add(v);
      skipSpace();
      char c = peek();
      pos++;
      if (c == ']') {
        return atEnd() ? out : null;
      }
      if (c != ',') {
        return null;
      }
    }
  }

  private boolean atEnd() {
    skipSpace();
    return pos == s.length();
  }

  private char peek() {
    return pos < s.length() ? s.charAt(pos) : 0;
  }

  private void skipSpace() {
    while (pos < s.length() && " \t\r\n".indexOf(s.charAt(pos)) >= 0) {
      pos++;
    }
  }

  private String string() {
    if (peek() != '"') {
      return null;
    }
    pos++;
    StringBuilder out = new StringBuilder();
    while (pos < s.length()) {
      char c = s.charAt(pos++);
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        return null;
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (pos >= s.length()) {
        return null;
      }
      char e = s.charAt(pos++);
      switch (e) {
        case '"', '\\', '/' -> out.append(e);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          if (pos + 4 > s.length()) {
            return null;
          }
          try {
            out.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
          } catch (NumberFormatException ex) {
            return null;
          }
          pos += 4;
        }
        default -> {
          return null;
        }
      }
    }
    return null;
  }
}
