package dev.slipway.cli.table;

import java.time.Duration;
import java.time.Instant;

/** Ages as kubectl shows them: 45s, 12m, 5h, 3d. */
public final class Ages {
  private Ages() {}

  /** The age of an object created at {@code created} (RFC 3339), or "<unknown>". */
  public static String of(String created, Instant now) {
    if (created == null) {
      return "<unknown>";
    }
    Duration age = Duration.between(Instant.parse(created), now);
    long s = Math.max(0, age.toSeconds());
    if (s < 120) {
      return s + "s";
    }
    if (s < 3 * 3600) {
      return s / 60 + "m";
    }
    if (s < 48 * 3600) {
      return s / 3600 + "h";
    }
    return s / 86400 + "d";
  }
}
