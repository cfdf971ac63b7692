package dev.slipway.operator.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestSpec;
import dev.slipway.api.resource.BuildRequestStatus;
import dev.slipway.api.resource.BuilderReference;
import dev.slipway.operator.control.BuilderPod;
import dev.slipway.operator.kube.Conditions;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class QueueIndexTest {

  private final BuildRuns runs = new BuildRuns();

  private static BuildRequest request(String name, String created) {
    BuildRequest request = new BuildRequest();
    request.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace("ns")
            .withUid("uid-" + name)
            .withCreationTimestamp(created)
            .build());
    BuildRequestSpec spec = new BuildRequestSpec();
    BuilderReference ref = new BuilderReference();
    ref.setName("b");
    spec.setBuilderRef(ref);
    request.setSpec(spec);
    return request;
  }

  private static BuildRequest inPhase(BuildPhase phase) {
    BuildRequest request = request("r", "2026-01-01T00:00:00Z");
    BuildRequestStatus status = new BuildRequestStatus();
    status.setPhase(phase);
    request.setStatus(status);
    return request;
  }

  @Test
  void theQueueIsFirstComeThenByName() {
    var queue =
        Stream.of(
                request("c", "2026-01-01T00:00:02Z"),
                request("b", "2026-01-01T00:00:01Z"),
                request("a", "2026-01-01T00:00:02Z"))
            .sorted(BuildScheduler.FIRST_COME)
            .map(r -> r.getMetadata().getName())
            .toList();
    assertThat(queue).containsExactly("b", "a", "c");
  }

  @Test
  void newAndQueuedRequestsWait() {
    assertThat(QueueIndex.isWaiting(request("new", "2026-01-01T00:00:00Z"), runs)).isTrue();
    assertThat(QueueIndex.isWaiting(inPhase(BuildPhase.QUEUED), runs)).isTrue();
    assertThat(QueueIndex.isWaiting(inPhase(BuildPhase.PENDING), runs)).as("retrying").isTrue();
    assertThat(QueueIndex.isWaiting(inPhase(BuildPhase.RUNNING), runs))
        .as("running but its build id not written yet")
        .isTrue();
  }

  @Test
  void placedFinishedCancelledDeletedAndInvalidRequestsDoNotWait() {
    BuildRequest followed = request("followed", "2026-01-01T00:00:00Z");
    runs.put(
        "uid-followed",
        new BuildLauncher(null, null, new BuildWakeups(), null, null)
            .run(
                followed,
                "uid-followed-1",
                1,
                new BuilderPod("b-0", "e:1", "b-0", true, false, null),
                "k"));
    assertThat(QueueIndex.isWaiting(followed, runs)).as("followed").isFalse();

    BuildRequest onPod = inPhase(BuildPhase.RUNNING);
    onPod.getStatus().setBuildId("uid-r-1");
    assertThat(QueueIndex.isWaiting(onPod, runs)).as("running on a pod").isFalse();

    for (BuildPhase phase :
        List.of(BuildPhase.SUCCEEDED, BuildPhase.FAILED, BuildPhase.CANCELLED)) {
      assertThat(QueueIndex.isWaiting(inPhase(phase), runs)).as(phase.wireName()).isFalse();
      assertThat(QueueIndex.isUnfinished(inPhase(phase))).as(phase.wireName()).isFalse();
    }

    BuildRequest cancelled = request("cancelled", "2026-01-01T00:00:00Z");
    cancelled.getSpec().setCancel(true);
    assertThat(QueueIndex.isWaiting(cancelled, runs)).as("spec.cancel").isFalse();

    BuildRequest deleted = request("deleted", "2026-01-01T00:00:00Z");
    deleted.getMetadata().setDeletionTimestamp("2026-01-01T00:00:05Z");
    assertThat(QueueIndex.isWaiting(deleted, runs)).as("being deleted").isFalse();

    BuildRequest invalid = inPhase(BuildPhase.PENDING);
    invalid
        .getStatus()
        .setConditions(
            Conditions.set(List.of(), "Scheduled", false, "Invalid", "no such Builder", 1L));
    assertThat(QueueIndex.isWaiting(invalid, runs)).as("invalid").isFalse();
  }

  @Test
  void requestsWithoutAFinalPhaseAreUnfinished() {
    assertThat(QueueIndex.isUnfinished(request("new", "2026-01-01T00:00:00Z"))).isTrue();
    assertThat(QueueIndex.isUnfinished(inPhase(BuildPhase.RUNNING))).isTrue();
    assertThat(QueueIndex.builderKey(request("x", "2026-01-01T00:00:00Z"))).isEqualTo("ns/b");
  }
}
