package dev.slipway.builder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.control.v1.BuildAccepted;
import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.BuildState;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.control.v1.VertexEvent;
import dev.slipway.api.control.v1.VertexState;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunningBuildTest {
  private final RunningBuild build =
      new RunningBuild(
          SolveRequest.newBuilder().setBuildId("b1").setContextKey("ctx-1").build(), "alice");

  @Test
  void theSummaryCountsStepsDoneAndCachedOncePerVertex() {
    build.publish(accepted(4));
    build.publish(vertex("a", VertexState.VERTEX_STATE_STARTED));
    build.publish(vertex("a", VertexState.VERTEX_STATE_DONE));
    build.publish(vertex("b", VertexState.VERTEX_STATE_CACHED));
    build.publish(vertex("b", VertexState.VERTEX_STATE_CACHED));
    build.publish(vertex("c", VertexState.VERTEX_STATE_ERROR));

    var summary = build.summary();
    assertThat(summary.getBuildId()).isEqualTo("b1");
    assertThat(summary.getContextKey()).isEqualTo("ctx-1");
    assertThat(summary.getState()).isEqualTo(BuildState.BUILD_STATE_RUNNING);
    assertThat(summary.getStepsTotal()).isEqualTo(4);
    assertThat(summary.getStepsDone()).isEqualTo(2);
    assertThat(summary.getStepsCached()).isEqualTo(1);
    assertThat(summary.hasCompleted()).isFalse();
  }

  @Test
  void finishingSetsTheStateAndCompletionTime() {
    build.finish(result(), BuildState.BUILD_STATE_FAILED);

    assertThat(build.isRunning()).isFalse();
    assertThat(build.summary().getState()).isEqualTo(BuildState.BUILD_STATE_FAILED);
    assertThat(build.summary().hasCompleted()).isTrue();
  }

  @Test
  void aWatcherGetsTheEventsSoFarThenTheLiveOnesAndTheEnd() {
    SolveEvent before = accepted(1);
    build.publish(before);
    Recorder watcher = new Recorder();

    build.watch(watcher);
    SolveEvent during = vertex("a", VertexState.VERTEX_STATE_DONE);
    build.publish(during);
    SolveEvent last = result();
    build.finish(last, BuildState.BUILD_STATE_SUCCEEDED);
    build.publish(vertex("late", VertexState.VERTEX_STATE_DONE));

    assertThat(watcher.events).containsExactly(before, during, last);
    assertThat(watcher.completed).isEqualTo(1);
  }

  @Test
  void watchingAFinishedBuildReplaysItAndEndsAtOnce() {
    build.publish(accepted(1));
    build.finish(result(), BuildState.BUILD_STATE_SUCCEEDED);
    Recorder watcher = new Recorder();

    build.watch(watcher);

    assertThat(watcher.events).hasSize(2);
    assertThat(watcher.completed).isEqualTo(1);
  }

  @Test
  void aWatcherThatFailsOrLeavesNoLongerGetsEventsAndTheOthersStillDo() {
    Recorder gone =
        new Recorder() {
          @Override
          public void onNext(SolveEvent value) {
            throw new IllegalStateException("call already closed");
          }
        };
    Recorder left = new Recorder();
    Recorder staying = new Recorder();
    build.watch(gone);
    build.watch(left);
    build.watch(staying);
    build.unwatch(left);

    build.publish(accepted(1));
    build.finish(result(), BuildState.BUILD_STATE_SUCCEEDED);

    assertThat(left.events).isEmpty();
    assertThat(left.completed).isZero();
    assertThat(gone.completed).as("dropped after its failure").isZero();
    assertThat(staying.events).hasSize(2);
    assertThat(staying.completed).isEqualTo(1);
  }

  private static SolveEvent accepted(int steps) {
    return SolveEvent.newBuilder()
        .setBuildId("b1")
        .setAccepted(BuildAccepted.newBuilder().setStepsTotal(steps))
        .build();
  }

  private static SolveEvent vertex(String id, VertexState state) {
    return SolveEvent.newBuilder()
        .setBuildId("b1")
        .setVertex(VertexEvent.newBuilder().setVertexId(id).setState(state))
        .build();
  }

  private static SolveEvent result() {
    return SolveEvent.newBuilder()
        .setBuildId("b1")
        .setResult(BuildResult.getDefaultInstance())
        .build();
  }

  /** A client's stream, as the build sees it. */
  static class Recorder implements StreamObserver<SolveEvent> {
    final List<SolveEvent> events = new ArrayList<>();
    int completed;

    @Override
    public void onNext(SolveEvent value) {
      events.add(value);
    }

    @Override
    public void onError(Throwable t) {
      throw new AssertionError("a build never ends a watcher with an error", t);
    }

    @Override
    public void onCompleted() {
      completed++;
    }
  }
}
