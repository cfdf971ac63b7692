package dev.slipway.builder;

import com.google.protobuf.Timestamp;
import dev.slipway.api.control.v1.BuildState;
import dev.slipway.api.control.v1.BuildSummary;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.control.v1.VertexState;
import dev.slipway.engine.job.BuildCancellation;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One build on this builder: its request, its cancellation, and its {@link EventHistory}, so that
 * {@code Status} can replay it to a client that re-attaches and then follow the rest live.
 *
 * <p>Each client's stream is fed at the pace the client reads (gRPC flow control): a watcher that
 * falls behind catches up from the history, where a notice marks the log the history did not keep.
 * So a slow or stalled client costs the builder nothing beyond the history.
 */
final class RunningBuild {
  private final SolveRequest request;
  private final String owner;
  private final BuildCancellation cancellation = new BuildCancellation();
  private final Instant started = Instant.now();
  private final EventHistory history;
  private final List<Watcher> watchers = new ArrayList<>();
  private final Set<String> done = new HashSet<>();
  private final Set<String> cached = new HashSet<>();
  private int stepsTotal;
  private BuildState state = BuildState.BUILD_STATE_RUNNING;
  private Instant completed;
  private String dockerfileDigest = "";
  private List<String> baseImages = List.of();

  RunningBuild(SolveRequest request, String owner) {
    this(request, owner, EventHistory.DEFAULT_MAX_LOG_BYTES);
  }

  RunningBuild(SolveRequest request, String owner, long maxLogBytes) {
    this.request = request;
    this.owner = owner;
    this.history = new EventHistory(maxLogBytes);
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

  /** About what this build's kept events weigh in memory. */
  synchronized long historyBytes() {
    return history.bytes();
  }

  synchronized void publish(SolveEvent event) {
    if (state != BuildState.BUILD_STATE_RUNNING) {
      return;
    }
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
    int before = history.size();
    boolean kept = history.add(event);
    for (Watcher w : List.copyOf(watchers)) {
      if (kept) {
        w.drain();
      } else if (w.next == before && w.ready()) {
        // Caught up: it gets the event live, and not the notice that replays get instead. A
        // client behind reads that notice where the kept log ends.
        if (w.send(event)) {
          w.next = history.size();
        }
      }
    }
  }

  /** Publishes the last event (result or error) and ends every watcher's stream once it has it. */
  synchronized void finish(SolveEvent last, BuildState finalState) {
    publish(last);
    if (last.hasResult()) {
      dockerfileDigest = last.getResult().getDockerfileDigest();
      baseImages = List.copyOf(last.getResult().getBaseImagesList());
    }
    state = finalState;
    completed = Instant.now();
    for (Watcher w : List.copyOf(watchers)) {
      w.drain();
    }
  }

  /** Replays the events so far to {@code watcher}, then follows the build until it ends. */
  synchronized void watch(StreamObserver<SolveEvent> watcher) {
    Watcher w = new Watcher(watcher);
    watchers.add(w);
    if (w.flow != null) {
      w.flow.setOnReadyHandler(
          () -> {
            synchronized (this) {
              w.drain();
            }
          });
    }
    w.drain();
  }

  synchronized void unwatch(StreamObserver<SolveEvent> watcher) {
    for (Watcher w : List.copyOf(watchers)) {
      if (w.out == watcher) {
        w.end();
      }
    }
  }

  /** sha256 hex of the Dockerfile of a build that succeeded, else empty: for placement. */
  synchronized String dockerfileDigest() {
    return dockerfileDigest;
  }

  /** The base images a build that succeeded resolved, else none: for placement. */
  synchronized List<String> baseImages() {
    return baseImages;
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

  /** One client's stream and how far into the history it has been sent. */
  private final class Watcher {
    final StreamObserver<SolveEvent> out;

    /** Flow control of a gRPC stream; null for other observers, which take events at once. */
    final ServerCallStreamObserver<SolveEvent> flow;

    int next;

    /** Completed or gone: nothing more is sent, whatever calls come late. */
    boolean ended;

    Watcher(StreamObserver<SolveEvent> out) {
      this.out = out;
      this.flow = out instanceof ServerCallStreamObserver<SolveEvent> s ? s : null;
    }

    boolean ready() {
      return flow == null || flow.isReady();
    }

    /** Sends kept events from where this client is while it reads; ends it after the last. */
    void drain() {
      if (ended) {
        return;
      }
      while (next < history.size() && ready()) {
        if (!send(history.get(next))) {
          return;
        }
        next++;
      }
      if (next == history.size() && state != BuildState.BUILD_STATE_RUNNING) {
        end();
        try {
          out.onCompleted();
        } catch (RuntimeException gone) {
          // that client left already
        }
      }
    }

    boolean send(SolveEvent event) {
      try {
        out.onNext(event);
        return true;
      } catch (RuntimeException gone) {
        end();
        return false;
      }
    }

    private void end() {
      ended = true;
      watchers.remove(this);
    }
  }
}
