package dev.slipway.engine.frontend.dockerfile.conversion;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text in the forms Docker's Go code writes into image history and accepts as durations: {@code %q}
 * of a string list, {@code %v} of a list, Go duration strings ({@code 1m30s}).
 */
final class GoText {

  private static final Pattern DURATION_PART =
      Pattern.compile("([0-9]*(?:\\.[0-9]*)?)(ns|us|µs|ms|s|m|h)");

  private GoText() {}

  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '\r' -> b.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\x%02x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  /** {@code ["a" "b"]}. */
  static String quotedList(List<String> list) {
    return "[" + String.join(" ", list.stream().map(GoText::quote).toList()) + "]";
  }

  /** {@code [a b]}. */
  static String plainList(List<String> list) {
    return "[" + String.join(" ", list) + "]";
  }

  /**
   * Parses a Go duration ({@code 30s}, {@code 1m30s}, {@code 1.5h}, {@code 0}) into nanoseconds.
   */
  static long parseDuration(String text) {
    if (text.equals("0")) {
      return 0;
    }
    if (text.isEmpty()) {
      throw new IllegalArgumentException("empty duration");
    }
    Matcher m = DURATION_PART.matcher(text);
    int pos = 0;
    double total = 0;
    while (pos < text.length()) {
      if (!m.find(pos) || m.start() != pos || m.group(1).isEmpty() || m.group(1).equals(".")) {
        throw new IllegalArgumentException("invalid duration \"" + text + "\" (e.g. 30s, 1m30s)");
      }
      double unit =
          switch (m.group(2)) {
            case "ns" -> 1;
            case "us", "µs" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            default -> 3600e9;
          };
      total += Double.parseDouble(m.group(1)) * unit;
      pos = m.end();
    }
    if (total > Long.MAX_VALUE) {
      throw new IllegalArgumentException("duration \"" + text + "\" is too long");
    }
    return (long) total;
  }

  /** Go's {@code time.Duration.String()}. */
  static String duration(long nanos) {
    if (nanos == 0) {
      return "0s";
    }
    if (nanos < 1_000_000_000L) {
      if (nanos < 1_000) {
        return nanos + "ns";
      }
      if (nanos < 1_000_000) {
        return fraction(nanos, 1_000) + "µs";
      }
      return fraction(nanos, 1_000_000) + "ms";
    }
    long h = nanos / 3_600_000_000_000L;
    long rest = nanos % 3_600_000_000_000L;
    long min = rest / 60_000_000_000L;
    long sec = rest % 60_000_000_000L;
    StringBuilder b = new StringBuilder();
    if (h > 0) {
      b.append(h).append('h');
    }
    if (h > 0 || min > 0) {
      b.append(min).append('m');
    }
    return b.append(fraction(sec, 1_000_000_000L)).append('s').toString();
  }

  private static String fraction(long value, long unit) {
    String whole = Long.toString(value / unit);
    long frac = value % unit;
    if (frac == 0) {
      return whole;
    }
    String digits = String.format("%0" + Long.toString(unit).length() + "d", frac).substring(1);
    return whole + "." + digits.replaceAll("0+$", "");
  }
}
