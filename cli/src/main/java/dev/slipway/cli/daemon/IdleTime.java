package dev.slipway.cli.daemon;

import java.time.Duration;

/** {@code SLIPWAY_DAEMON_IDLE}: how long a daemon with nothing to do lives (30s, 10m, 1h; 30m). */
final class IdleTime {
  static final Duration DEFAULT = Duration.ofMinutes(30);

  private IdleTime() {}

  static Duration parse(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT;
    }
    String v = value.trim();
    char unit = v.charAt(v.length() - 1);
    String number = Character.isDigit(unit) ? v : v.substring(0, v.length() - 1);
    long n;
    try {
      n = Long.parseLong(number);
    } catch (NumberFormatException e) {
      throw invalid(value);
    }
    if (n <= 0) {
      throw invalid(value);
    }
    return switch (unit) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      case 'h' -> Duration.ofHours(n);
      default -> {
        if (!Character.isDigit(unit)) {
          throw invalid(value);
        }
        yield Duration.ofSeconds(n);
      }
    };
  }

  private static IllegalArgumentException invalid(String value) {
    return new IllegalArgumentException(
        "SLIPWAY_DAEMON_IDLE=" + value + " is not a duration; use e.g. 30s, 10m or 1h");
  }
}
