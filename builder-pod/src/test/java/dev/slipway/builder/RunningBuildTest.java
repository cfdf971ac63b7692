package dev.slipway.builder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.control.v1.BuildAccepted;
import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.BuildState;
import dev.slipway.api.control.v1.ByteProgress;
import dev.slipway.api.control.v1.LogChunk;
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

  @Test
  void keepsTheLogForReplayOnlyUpToItsBudgetButLiveWatchersGetAllOfIt() {
    RunningBuild small =
        new RunningBuild(SolveRequest.newBuilder().setBuildId("b2").build(), "alice", 1000);
    Recorder live = new Recorder();
    small.watch(live);
    small.publish(vertex("a", VertexState.VERTEX_STATE_STARTED));
    for (int i = 0; i < 100; i++) {
      small.publish(log("a", "0123456789012345678901234567890123456789\n"));
    }
    small.publish(vertex("a", VertexState.VERTEX_STATE_DONE));
    small.finish(result(), BuildState.BUILD_STATE_SUCCEEDED);
    Recorder late = new Recorder();

    small.watch(late);

    assertThat(logBytes(live)).isEqualTo(100 * 41);
    assertThat(logBytes(late)).isLessThan(1000 + 300);
    assertThat(logText(late)).contains("keeps 0 KiB of a build's log for re-attaching");
    assertThat(late.events)
        .as("every step event and the end are replayed")
        .filteredOn(e -> !e.hasLog())
        .containsExactlyElementsOf(live.events.stream().filter(e -> !e.hasLog()).toList());
    assertThat(late.completed).isEqualTo(1);
    assertThat(small.historyBytes()).isLessThan(2000);
  }

  @Test
  void keepsOnlyTheFirstAndLastProgressReportOfATransfer() {
    for (int i = 0; i <= 1000; i++) {
      build.publish(
          SolveEvent.newBuilder()
              .setBytes(
                  ByteProgress.newBuilder()
                      .setVertexId("a")
                      .setId("layer")
                      .setCurrent(i)
                      .setTotal(1000)
                      .setCompleted(i == 1000))
              .build());
    }
    build.finish(result(), BuildState.BUILD_STATE_SUCCEEDED);
    Recorder late = new Recorder();

    build.watch(late);

    assertThat(late.events)
        .filteredOn(SolveEvent::hasBytes)
        .extracting(e -> e.getBytes().getCurrent())
        .containsExactly(0L, 1000L);
  }

  @Test
  void aClientThatStopsReadingIsFedFromTheHistoryWhenItReadsAgainAndToldWhatItMissed() {
    RunningBuild small =
        new RunningBuild(SolveRequest.newBuilder().setBuildId("b3").build(), "alice", 10);
    SlowClient slow = new SlowClient();
    small.watch(slow);
    small.publish(vertex("a", VertexState.VERTEX_STATE_STARTED));
    slow.ready = false;
    small.publish(log("a", "kept\n"));
    small.publish(vertex("a", VertexState.VERTEX_STATE_DONE));
    for (int i = 0; i < 50; i++) {
      small.publish(log("a", "not kept, and this client is not reading\n"));
    }
    small.finish(result(), BuildState.BUILD_STATE_SUCCEEDED);

    assertThat(slow.events).as("nothing is pushed at a client that is not ready").hasSize(1);
    assertThat(slow.completed).isZero();

    slow.ready = true;
    slow.onReady.run();

    assertThat(logText(slow))
        .startsWith("kept\n")
        .contains("of a build's log for re-attaching")
        .doesNotContain("not kept, and");
    assertThat(slow.events).filteredOn(e -> e.hasVertex()).hasSize(2);
    assertThat(slow.events.getLast().hasResult()).isTrue();
    assertThat(slow.completed).isEqualTo(1);
    slow.onReady.run();
    assertThat(slow.completed).as("a late ready signal ends nothing twice").isEqualTo(1);
  }

  private static long logBytes(Recorder r) {
    return logBytes(r.events);
  }

  private static String logText(SlowClient c) {
    return c.events.stream()
        .filter(SolveEvent::hasLog)
        .map(e -> e.getLog().getData().toStringUtf8())
        .collect(java.util.stream.Collectors.joining());
  }

  private static long logBytes(List<SolveEvent> events) {
    return events.stream()
        .filter(SolveEvent::hasLog)
        .mapToLong(e -> e.getLog().getData().size())
        .sum();
  }

  private static String logText(Recorder r) {
    return r.events.stream()
        .filter(SolveEvent::hasLog)
        .map(e -> e.getLog().getData().toStringUtf8())
        .collect(java.util.stream.Collectors.joining());
  }

  private static SolveEvent log(String vertex, String text) {
    return SolveEvent.newBuilder()
        .setLog(
            LogChunk.newBuilder()
                .setVertexId(vertex)
                .setData(com.google.protobuf.ByteString.copyFromUtf8(text)))
        .build();
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

  /** A gRPC stream whose client reads only when the test says so. */
  static final class SlowClient extends io.grpc.stub.ServerCallStreamObserver<SolveEvent> {
    final List<SolveEvent> events = new ArrayList<>();
    int completed;
    boolean ready = true;
    Runnable onReady = () -> {};

    @Override
    public boolean isReady() {
      return ready;
    }

    @Override
    public void setOnReadyHandler(Runnable handler) {
      onReady = handler;
    }

    @Override
    public void onNext(SolveEvent value) {
      events.add(value);
    }

    @Override
    public void onError(Throwable t) {
      throw new AssertionError(t);
    }

    @Override
    public void onCompleted() {
      completed++;
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public void setOnCancelHandler(Runnable handler) {}

    @Override
    public void setCompression(String compression) {}

    @Override
    public void disableAutoInboundFlowControl() {}

    @Override
    public void request(int count) {}

    @Override
    public void setMessageCompression(boolean enable) {}
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
