package dev.slipway.operator.build;

import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestStatus;
import java.time.Duration;
import java.time.Instant;

/** A running build's deadline: spec.timeoutSeconds after the start its status records. */
final class BuildDeadlines {

  private static final Duration MIN_CHECK = Duration.ofSeconds(1);

  private BuildDeadlines() {}

  /** Time left until the deadline; negative once it passed. */
  static Duration left(BuildRequest request, BuildRequestStatus status, Instant now) {
    if (status == null || status.getStartTime() == null) {
      return Duration.ofSeconds(request.getSpec().getTimeoutSeconds());
    }
    Instant deadline =
        Instant.parse(status.getStartTime()).plusSeconds(request.getSpec().getTimeoutSeconds());
    return Duration.between(now, deadline);
  }

  /** When to look again at a running build: at its deadline, but not in a busy loop. */
  static Duration nextCheck(BuildRequest request, BuildRequestStatus status) {
    Duration left = left(request, status, Instant.now());
    return left.compareTo(MIN_CHECK) < 0 ? MIN_CHECK : left;
  }
}
