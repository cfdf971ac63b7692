package dev.slipway.operator.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestStatus;
import dev.slipway.api.resource.PlatformBuildStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueueWaitsTest {
  private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");
  private final QueueWaits waits = new QueueWaits(Clock.fixed(NOW, ZoneOffset.UTC));
  private final List<Duration> recorded = new ArrayList<>();

  QueueWaitsTest() {
    waits.listen(recorded::add);
  }

  @Test
  void aFirstAttemptRecordsTheTimeSinceTheRequestWasCreated() {
    waits.placed(request("2026-12-06T09:59:18Z"), 1);

    assertThat(recorded).containsExactly(Duration.ofSeconds(42));
  }

  @Test
  void aRequestPlacedAgainAsAttemptOneAfterADrainingPodRefusedItIsRecordedOnce() {
    BuildRequest request = request("2026-12-06T09:59:18Z");
    request.getMetadata().setUid("uid-1");
    BuildRequest other = request("2026-12-06T09:59:50Z");
    other.getMetadata().setUid("uid-2");

    waits.placed(request, 1);
    waits.placed(request, 1);
    waits.placed(other, 1);

    assertThat(recorded).containsExactly(Duration.ofSeconds(42), Duration.ofSeconds(10));
  }

  @Test
  void retriesWaitedForTheirEarlierAttemptNotTheQueueAndAreNotRecorded() {
    waits.placed(request("2026-12-06T09:50:00Z"), 2);

    assertThat(recorded).isEmpty();
  }

  @Test
  void theRequestAssemblingASplitBuildWaitedForItsPartsAndIsNotRecorded() {
    BuildRequest parent = request("2026-12-06T09:50:00Z");
    PlatformBuildStatus part = new PlatformBuildStatus();
    part.setPlatform("linux/arm64");
    part.setBuildRequest("app-linux-arm64");
    BuildRequestStatus status = new BuildRequestStatus();
    status.setPlatforms(List.of(part));
    parent.setStatus(status);

    waits.placed(parent, 1);

    assertThat(recorded).isEmpty();
  }

  @Test
  void anApiServerClockAheadOfOursGivesZeroAndAMissingTimeNothing() {
    waits.placed(request("2026-12-06T10:00:03Z"), 1);
    waits.placed(request(null), 1);
    waits.placed(request("yesterday"), 1);

    assertThat(recorded).containsExactly(Duration.ZERO);
  }

  private static BuildRequest request(String created) {
    BuildRequest request = new BuildRequest();
    request.setMetadata(
        new ObjectMetaBuilder()
            .withName("app")
            .withNamespace("team")
            .withCreationTimestamp(created)
            .build());
    return request;
  }
}
