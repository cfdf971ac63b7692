package dev.slipway.cli.progress;

import dev.slipway.api.control.v1.ByteProgress;
import java.time.Duration;
import java.time.Instant;

/**
 * How a transfer reads in the progress views, as in BuildKit's: {@code pushing layer sha256:…
 * 45.21MB / 120.30MB 1.2s}, {@code … done} once it ended; the total only when known, no count
 * before the first byte, no time under a hundredth of a second.
 */
final class TransferLines {
  private TransferLines() {}

  /** The counts: {@code current / total}, {@code current} when the total is unknown, or empty. */
  static String bytes(ByteProgress b) {
    if (b.getTotal() != 0) {
      return VertexProgress.bytes(b.getCurrent()) + " / " + VertexProgress.bytes(b.getTotal());
    }
    return b.getCurrent() != 0 ? VertexProgress.bytes(b.getCurrent()) : "";
  }

  /** The time since the transfer started, as of {@code at} (its end once completed), or empty. */
  static String time(ByteProgress b, Instant at) {
    if (!b.hasStarted()) {
      return "";
    }
    Duration d = Duration.between(ProgressState.instant(b.getStarted()), at);
    return d.toNanos() > 10_000_000L ? VertexProgress.seconds(d) : "";
  }

  /** The whole line: name, counts, time and {@code done}. */
  static String line(ByteProgress b, Instant at) {
    StringBuilder line = new StringBuilder(b.getName());
    String bytes = bytes(b);
    String time = time(b, at);
    if (!bytes.isEmpty()) {
      line.append(' ').append(bytes);
    }
    if (!time.isEmpty()) {
      line.append(' ').append(time);
    }
    if (b.getCompleted()) {
      line.append(" done");
    }
    return line.toString();
  }
}
