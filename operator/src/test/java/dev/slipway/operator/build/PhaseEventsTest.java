package dev.slipway.operator.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequestStatus;
import dev.slipway.operator.kube.Conditions;
import java.util.List;
import org.junit.jupiter.api.Test;

class PhaseEventsTest {

  @Test
  void progressWithinAPhaseIsNoNews() {
    BuildRequestStatus queued = status(BuildPhase.QUEUED, "Unknown", "Queued", "position 3");
    queued.setQueuePosition(3);
    BuildRequestStatus moved = status(BuildPhase.QUEUED, "Unknown", "Queued", "position 2");
    moved.setQueuePosition(2);
    assertThat(PhaseEvents.news(queued, moved)).isFalse();
    assertThat(PhaseEvents.news(queued, queued)).isFalse();
  }

  @Test
  void aNewPhaseAttemptOrOutcomeIsNews() {
    BuildRequestStatus running = status(BuildPhase.RUNNING, "Unknown", "Running", "on b-0");
    running.setBuildId("uid-1");
    assertThat(PhaseEvents.news(null, running)).as("the first status").isTrue();
    assertThat(PhaseEvents.news(status(BuildPhase.QUEUED, "Unknown", "Queued", "q"), running))
        .isTrue();
    assertThat(
            PhaseEvents.news(
                running, status(BuildPhase.SUCCEEDED, "True", "Succeeded", "built sha256:ab")))
        .isTrue();

    BuildRequestStatus assembling = status(BuildPhase.RUNNING, "Unknown", "Running", "index");
    assembling.setBuildId("uid-2");
    assertThat(
            PhaseEvents.news(status(BuildPhase.RUNNING, "Unknown", "Running", "split"), assembling))
        .as("a split request's own Solve starts while it is Running")
        .isTrue();
    BuildRequestStatus followed = status(BuildPhase.RUNNING, "Unknown", "Running", "3 steps");
    followed.setBuildId("uid-1");
    assertThat(PhaseEvents.news(running, followed)).as("the same attempt").isFalse();
  }

  @Test
  void anotherProblemIsNewsTheSameOneIsNot() {
    BuildRequestStatus missing = status(BuildPhase.PENDING, "False", "Invalid", "no Builder b");
    assertThat(PhaseEvents.news(status(BuildPhase.PENDING, "Unknown", "Pending", "x"), missing))
        .isTrue();
    assertThat(
            PhaseEvents.news(
                missing, status(BuildPhase.PENDING, "False", "Invalid", "no Builder b")))
        .isFalse();
    assertThat(
            PhaseEvents.news(
                missing, status(BuildPhase.PENDING, "False", "Invalid", "no ConfigMap c")))
        .isTrue();
  }

  @Test
  void aStatusWrittenBeforeSucceededExistedIsJudgedByItsPhaseAlone() {
    BuildRequestStatus old = new BuildRequestStatus();
    old.setPhase(BuildPhase.QUEUED);
    assertThat(PhaseEvents.news(old, status(BuildPhase.QUEUED, "Unknown", "Queued", "q")))
        .isFalse();
  }

  private static BuildRequestStatus status(
      BuildPhase phase, String succeeded, String reason, String message) {
    BuildRequestStatus status = new BuildRequestStatus();
    status.setPhase(phase);
    status.setMessage(message);
    status.setConditions(
        Conditions.set(List.of(), BuildStatuses.SUCCEEDED, succeeded, reason, message, 1L));
    return status;
  }
}
