package dev.slipway.builder;

import com.google.protobuf.Timestamp;
import dev.slipway.api.control.v1.BuildState;
import dev.slipway.api.control.v1.BuildSummary;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.control.v1.VertexState;
import dev.slipway.engine.job.BuildCancellation;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One build on this builder: its request, its cancellation, and every event it produced, so that
 * {@code Status} can replay them to a client that re-attaches and then follow the rest live.
 */
final class RunningBuild {
  private final SolveRequest request;
  private final String owner;
  private final BuildCancellation cancellation = new BuildCancellation();
  private final Instant started = Instant.now();
  private final List<SolveEvent> events = new ArrayList<>();
  private final List<StreamObserver<SolveEvent>> watchers = new ArrayList<>();
  private final Set<String> done = new HashSet<>();
  private final Set<String> cached = new HashSet<>();
  private int stepsTotal;
  private BuildState state = BuildState.BUILD_STATE_RUNNING;
  private Instant completed;

  RunningBuild(SolveRequest request, String owner) {
    this.request = request;
    this.owner = owner;
  }

  /** The principal that started the build; only it (or an admin) may see or cancel it. */
  String owner() {
    return owner;
  }

  String id() {
    return request.getBuildId();
  }

  SolveRequest request() {
    return request;
  }

  BuildCancellation cancellation() {
    return cancellation;
  }

  Instant started() {
    return started;
  }

  synchronized boolean isRunning() {
    return state == BuildState.BUILD_STATE_RUNNING;
  }

  synchronized void publish(SolveEvent event) {
    events.add(event);
    if (event.hasAccepted()) {
      stepsTotal = event.getAccepted().getStepsTotal();
    } else if (event.hasVertex()) {
      VertexState s = event.getVertex().getState();
      if (s == VertexState.VERTEX_STATE_DONE || s == VertexState.VERTEX_STATE_CACHED) {
        done.add(event.getVertex().getVertexId());
      }
      if (s == VertexState.VERTEX_STATE_CACHED) {
        cached.add(event.getVertex().getVertexId());
      }
    }
    for (StreamObserver<SolveEvent> w : List.copyOf(watchers)) {
      try {
        w.onNext(event);
      } catch (RuntimeException gone) {
        watchers.remove(w);
      }
    }
  }

  /** Publishes the last event (result or error) and ends every watcher's stream. */
  synchronized void finish(SolveEvent last, BuildState finalState) {
    publish(last);
    state = finalState;
    completed = Instant.now();
    for (StreamObserver<SolveEvent> w : watchers) {
      try {
        w.onCompleted();
      } catch (RuntimeException gone) {
        // that client left already
      }
    }
    watchers.clear();
  }

  /** Replays the events so far to {@code watcher}, then follows the build until it ends. */
  synchronized void watch(StreamObserver<SolveEvent> watcher) {
    for (SolveEvent e : events) {
      watcher.onNext(e);
    }
    if (state == BuildState.BUILD_STATE_RUNNING) {
      watchers.add(watcher);
    } else {
      watcher.onCompleted();
    }
  }

  synchronized void unwatch(StreamObserver<SolveEvent> watcher) {
    watchers.remove(watcher);
  }

  synchronized BuildSummary summary() {
    BuildSummary.Builder s =
        BuildSummary.newBuilder()
            .setBuildId(id())
            .setState(state)
            .setStarted(timestamp(started))
            .setStepsTotal(stepsTotal)
            .setStepsDone(done.size())
            .setStepsCached(cached.size())
            .setContextKey(request.getContextKey());
    if (completed != null) {
      s.setCompleted(timestamp(completed));
    }
    return s.build();
  }

  private static Timestamp timestamp(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }
}
