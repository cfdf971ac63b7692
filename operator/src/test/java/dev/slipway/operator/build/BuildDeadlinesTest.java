package dev.slipway.operator.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestSpec;
import dev.slipway.api.resource.BuildRequestStatus;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BuildDeadlinesTest {

  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  private static BuildRequest request(long timeoutSeconds) {
    BuildRequest request = new BuildRequest();
    BuildRequestSpec spec = new BuildRequestSpec();
    spec.setTimeoutSeconds(timeoutSeconds);
    request.setSpec(spec);
    return request;
  }

  private static BuildRequestStatus startedAt(Instant start) {
    BuildRequestStatus status = new BuildRequestStatus();
    status.setStartTime(start.toString());
    return status;
  }

  @Test
  void theDeadlineIsTheTimeoutAfterTheStart() {
    assertThat(BuildDeadlines.left(request(60), startedAt(NOW.minusSeconds(20)), NOW))
        .isEqualTo(Duration.ofSeconds(40));
    assertThat(BuildDeadlines.left(request(60), startedAt(NOW.minusSeconds(61)), NOW)).isNegative();
  }

  @Test
  void anUnstartedBuildHasItsWholeTimeoutLeft() {
    assertThat(BuildDeadlines.left(request(60), null, NOW)).isEqualTo(Duration.ofSeconds(60));
    assertThat(BuildDeadlines.left(request(60), new BuildRequestStatus(), NOW))
        .isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void aBuildPastItsDeadlineIsLookedAtAgainInASecondNotInABusyLoop() {
    assertThat(BuildDeadlines.nextCheck(request(1), startedAt(Instant.now().minusSeconds(30))))
        .isEqualTo(Duration.ofSeconds(1));
  }
}
