package dev.slipway.engine.frontend.dockerfile.instructions;

import java.util.ArrayList;
import java.util.List;

/** Splitting an instruction's argument text into words, before any variable expansion. */
final class Words {

  private Words() {}

  /** Words separated by whitespace, quotes not considered. */
  static List<String> splitWhitespace(String s) {
    List<String> out = new ArrayList<>();
    for (String w : s.strip().split("[ \t\r\n\f]+")) {
      if (!w.isEmpty()) {
        out.add(w);
      }
    }
    return out;
  }

  /**
   * Splits on whitespace outside quotes; {@code escape} keeps the next character in the word.
   * Quotes and escapes stay in the words (expansion removes them later).
   */
  static List<String> quoted(String s, char escape) {
    List<String> out = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    char quote = 0;
    boolean any = false;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (quote == 0 && Character.isWhitespace(ch)) {
        if (any) {
          out.add(word.toString());
          word.setLength(0);
          any = false;
        }
        continue;
      }
      any = true;
      if (ch == escape && i + 1 < s.length() && quote != '\'') {
        word.append(ch).append(s.charAt(++i));
        continue;
      }
      if (quote == 0 && (ch == '\'' || ch == '"')) {
        quote = ch;
      } else if (ch == quote) {
        quote = 0;
      }
      word.append(ch);
    }
    if (any) {
      out.add(word.toString());
    }
    return out;
  }
}
