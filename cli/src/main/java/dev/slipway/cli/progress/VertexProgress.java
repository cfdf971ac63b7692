package dev.slipway.cli.progress;

import dev.slipway.api.control.v1.ByteProgress;
import dev.slipway.api.control.v1.VertexState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the printers know of one step: its number, state, timing, recent log lines. */
final class VertexProgress {
  static final int LOG_TAIL = 6;

  /**
   * The longest line held back waiting for its newline; output without newlines (a progress bar,
   * binary noise) is shown in pieces of this size instead of piling up in memory.
   */
  static final int MAX_LINE = 16 * 1024;

  final int number;
  final String name;
  VertexState state = VertexState.VERTEX_STATE_UNSPECIFIED;
  Instant started;
  Instant completed;
  String error = "";
  final Deque<String> lastLines = new ArrayDeque<>();
  final Map<String, ByteProgress> transfers = new LinkedHashMap<>();
  private final StringBuilder partialLine = new StringBuilder();

  VertexProgress(int number, String name) {
    this.number = number;
    this.name = name;
  }

  boolean finished() {
    return state == VertexState.VERTEX_STATE_DONE
        || state == VertexState.VERTEX_STATE_CACHED
        || state == VertexState.VERTEX_STATE_ERROR
        || state == VertexState.VERTEX_STATE_CANCELLED;
  }

  /**
   * Splits a log chunk into complete lines, keeping an unfinished last line (up to {@link
   * #MAX_LINE}) for later.
   */
  java.util.List<String> addLog(String chunk) {
    java.util.List<String> lines = new java.util.ArrayList<>();
    partialLine.append(chunk);
    int nl;
    while ((nl = partialLine.indexOf("\n")) >= 0) {
      String line = partialLine.substring(0, nl);
      partialLine.delete(0, nl + 1);
      remember(lines, line);
    }
    while (partialLine.length() >= MAX_LINE) {
      String piece = partialLine.substring(0, MAX_LINE);
      partialLine.delete(0, MAX_LINE);
      remember(lines, piece);
    }
    return lines;
  }

  private void remember(java.util.List<String> lines, String line) {
    lines.add(line);
    lastLines.addLast(line);
    if (lastLines.size() > LOG_TAIL) {
      lastLines.removeFirst();
    }
  }

  /** The unfinished last line, emptied. */
  String drainPartial() {
    String rest = partialLine.toString();
    partialLine.setLength(0);
    if (!rest.isEmpty()) {
      lastLines.addLast(rest);
    }
    return rest;
  }

  Duration elapsed(Instant now) {
    if (started == null) {
      return Duration.ZERO;
    }
    return Duration.between(started, completed != null ? completed : now);
  }

  static String seconds(Duration d) {
    return String.format(java.util.Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
  }

  static String bytes(long n) {
    if (n < 1000) {
      return n + "B";
    }
    String[] units = {"kB", "MB", "GB", "TB"};
    double v = n;
    int u = -1;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return String.format(java.util.Locale.ROOT, "%.2f%s", v, units[u]);
  }
}
