package dev.slipway.cli.progress;

import dev.slipway.api.control.v1.ByteProgress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Which transfer updates plain output prints, as BuildKit's plain printer picks them: the first and
 * the last of each transfer, and between them one whenever another 5% of its total arrived or 5
 * seconds passed since the last line — a log, not an animation.
 */
final class PlainTransferFilter {
  static final double MIN_SHARE = 0.05;
  static final Duration MIN_INTERVAL = Duration.ofSeconds(5);

  private record Printed(long current, Instant at) {}

  private final Map<String, Printed> last = new HashMap<>();

  /** Whether the update {@code b}, which arrived at {@code at}, gets a line. */
  boolean print(ByteProgress b, Instant at) {
    String key = b.getVertexId() + "\u0000" + b.getId();
    Printed before = last.get(key);
    if (b.getCompleted()) {
      last.remove(key);
      return true;
    }
    if (b.getCurrent() == 0) {
      return false;
    }
    if (before != null) {
      double share =
          b.getTotal() > 0 ? (double) (b.getCurrent() - before.current()) / b.getTotal() : 0;
      if (share < MIN_SHARE && Duration.between(before.at(), at).compareTo(MIN_INTERVAL) < 0) {
        return false;
      }
    }
    last.put(key, new Printed(b.getCurrent(), at));
    return true;
  }
}
