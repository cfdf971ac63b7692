package dev.slipway.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.control.v1.BuildState;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import io.grpc.Status;
import io.grpc.StatusException;
import org.junit.jupiter.api.Test;

class BuildSlotsTest {

  @Test
  void refusesARequestWithoutABuildId() {
    BuildSlots slots = new BuildSlots(2);

    assertThatThrownBy(() -> slots.start(request(" "), "alice"))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT))
        .hasMessageContaining("no build_id");
    assertThat(slots.running()).isZero();
  }

  @Test
  void refusesABuildIdItKnowsEvenAfterThatBuildFinished() throws Exception {
    BuildSlots slots = new BuildSlots(2);
    RunningBuild first = slots.start(request("b1"), "alice");
    end(slots, first);

    assertThatThrownBy(() -> slots.start(request("b1"), "alice"))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS))
        .hasMessageContaining("build b1 exists already");
  }

  @Test
  void refusesBeyondItsMaximumAndAdmitsAgainOnceABuildEnds() throws Exception {
    BuildSlots slots = new BuildSlots(2);
    RunningBuild one = slots.start(request("one"), "alice");
    slots.start(request("two"), "alice");

    assertThatThrownBy(() -> slots.start(request("three"), "alice"))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED))
        .hasMessageContaining("running 2 builds")
        .hasMessageContaining("--max-builds 2");
    assertThat(slots.get("three")).as("a refused build is not kept").isEmpty();

    end(slots, one);
    assertThat(slots.running()).isEqualTo(1);
    assertThat(slots.start(request("three"), "alice").id()).isEqualTo("three");
    assertThat(slots.running()).isEqualTo(2);
    assertThat(slots.all()).extracting(RunningBuild::id).containsExactly("one", "two", "three");
  }

  @Test
  void keepsTheNewestHundredFinishedBuildsAndEveryRunningOne() throws Exception {
    BuildSlots slots = new BuildSlots(1000);
    RunningBuild stillRunning = slots.start(request("running"), "alice");
    for (int i = 0; i < 105; i++) {
      end(slots, slots.start(request("done-" + i), "alice"));
    }
    slots.start(request("last"), "alice");

    assertThat(slots.get("running")).contains(stillRunning);
    assertThat(slots.get("done-4")).as("the oldest finished are forgotten").isEmpty();
    assertThat(slots.get("done-5")).isPresent();
    assertThat(slots.get("done-104")).isPresent();
    assertThat(slots.all()).hasSize(102);
  }

  private static void end(BuildSlots slots, RunningBuild build) {
    slots.finished(build);
    build.finish(
        SolveEvent.newBuilder().setBuildId(build.id()).build(), BuildState.BUILD_STATE_SUCCEEDED);
  }

  private static SolveRequest request(String id) {
    return SolveRequest.newBuilder().setBuildId(id).build();
  }
}
