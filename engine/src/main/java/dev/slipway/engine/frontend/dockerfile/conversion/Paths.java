package dev.slipway.engine.frontend.dockerfile.conversion;

import java.util.ArrayDeque;
import java.util.Deque;

/** Lexical handling of absolute slash paths inside images (Go's {@code path.Clean/Join}). */
final class Paths {

  private Paths() {}

  /** Cleans an absolute path: no {@code .}, {@code ..}, duplicate or trailing slashes. */
  static String clean(String path) {
    Deque<String> parts = new ArrayDeque<>();
    for (String el : path.split("/")) {
      if (el.isEmpty() || el.equals(".")) {
        continue;
      }
      if (el.equals("..")) {
        if (!parts.isEmpty()) {
          parts.removeLast();
        }
        continue;
      }
      parts.addLast(el);
    }
    return "/" + String.join("/", parts);
  }

  /** {@code dir} joined with a relative {@code p}, cleaned. */
  static String join(String dir, String p) {
    return clean((dir == null || dir.isEmpty() ? "/" : dir) + "/" + p);
  }
}
