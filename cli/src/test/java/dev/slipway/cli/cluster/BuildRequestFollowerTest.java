package dev.slipway.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestStatus;
import org.junit.jupiter.api.Test;

class BuildRequestFollowerTest {

  private static BuildRequestStatus status(String buildId, String pod, String startTime) {
    BuildRequestStatus status = new BuildRequestStatus();
    status.setBuildId(buildId);
    status.setBuilderPod(pod);
    status.setStartTime(startTime);
    return status;
  }

  private static BuildRequest request(BuildRequestStatus status) {
    BuildRequest request = new BuildRequest();
    request.setStatus(status);
    return request;
  }

  private static final BuildRequestStatus LOST = status("u-1", "x-0", "2026-01-01T00:00:00.1Z");

  @Test
  void theSameAttemptOnAPodRecreatedUnderTheSameNameIsANewPlacement() {
    assertThat(
            BuildRequestFollower.placedAgain(
                LOST, request(status("u-1", "x-0", "2026-01-01T00:00:09.5Z"))))
        .isTrue();
  }

  @Test
  void anotherPodOrAttemptIsANewPlacement() {
    assertThat(
            BuildRequestFollower.placedAgain(
                LOST, request(status("u-1", "x-1", "2026-01-01T00:00:00.1Z"))))
        .isTrue();
    assertThat(
            BuildRequestFollower.placedAgain(
                LOST, request(status("u-2", "x-0", "2026-01-01T00:00:00.1Z"))))
        .isTrue();
  }

  @Test
  void theLostPlacementItselfOrNoneIsNot() {
    assertThat(
            BuildRequestFollower.placedAgain(
                LOST, request(status("u-1", "x-0", "2026-01-01T00:00:00.1Z"))))
        .isFalse();
    assertThat(BuildRequestFollower.placedAgain(LOST, request(status(null, null, null))))
        .as("put back to Pending")
        .isFalse();
  }
}
