package dev.slipway.operator.build;

import dev.slipway.api.resource.BuildRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * How long builds waited for a builder pod: from the BuildRequest's creation to its first
 * placement, once per build. Retries and the request that assembles a split build's index are not
 * counted: they did not wait in the queue, they waited for an earlier attempt or for the parts. The
 * metrics listen here ({@link #listen}), so this package does not depend on them.
 */
public final class QueueWaits {
  /**
   * Requests recorded lately: one refused by a draining pod is placed again as attempt 1, and its
   * wait was counted already. It is placed again soon, so the last few thousand suffice; kept in
   * memory, so an operator that restarts in between counts it twice.
   */
  private static final int REMEMBERED = 4096;

  private final Clock clock;
  private final Set<String> recorded =
      Collections.newSetFromMap(
          new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
              return size() > REMEMBERED;
            }
          });
  private volatile Consumer<Duration> listener = w -> {};

  QueueWaits(Clock clock) {
    this.clock = clock;
  }

  /** Who records each wait (the operator's metrics); replaces the one before. */
  public void listen(Consumer<Duration> listener) {
    this.listener = listener;
  }

  /** The request's attempt {@code attempt} was placed on a pod now. */
  void placed(BuildRequest request, int attempt) {
    if (attempt != 1 || PlatformSplit.isSplit(request) || !first(request)) {
      return;
    }
    waited(request).ifPresent(listener);
  }

  /** Whether the request's wait is not recorded yet (one without a uid cannot be told apart). */
  private boolean first(BuildRequest request) {
    String uid = request.getMetadata().getUid();
    if (uid == null) {
      return true;
    }
    synchronized (recorded) {
      return recorded.add(uid);
    }
  }

  /** From creation to now; empty for a request without a readable creation time. */
  Optional<Duration> waited(BuildRequest request) {
    String created = request.getMetadata().getCreationTimestamp();
    if (created == null) {
      return Optional.empty();
    }
    try {
      Duration wait = Duration.between(Instant.parse(created), clock.instant());
      // the API server's clock may be ahead of ours
      return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
