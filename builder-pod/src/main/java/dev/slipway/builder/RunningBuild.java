package dev.slipway.builder;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.slipway.api.control.v1.BuildState;
import dev.slipway.api.control.v1.BuildSummary;
import dev.slipway.api.control.v1.LogChunk;
import dev.slipway.api.control.v1.LogStream;
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
 * falls behind catches up from the history, and log output the history did not keep is skipped for
 * it with a notice. So a slow or stalled client costs the builder nothing beyond the history.
 */
final class RunningBuild {
  private final SolveRequest request;
  private final BuildCancellation cancellation = new BuildCancellation();
  private final Instant started = Instant.now();
  private final EventHistory history;
  private final List<Watcher> watchers = new ArrayList<>();
  private final Set<String> done = new HashSet<>();
  private final Set<String> cached = new HashSet<>();
  private int stepsTotal;
  private BuildState state = BuildState.BUILD_STATE_RUNNING;
  private Instant completed;

  RunningBuild(SolveRequest request) {
    this(request, EventHistory.DEFAULT_MAX_LOG_BYTES);
  }

  RunningBuild(SolveRequest request, long maxLogBytes) {
    this.request = request;
    this.history = new EventHistory(maxLogBytes);
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
        // Caught up: it gets the event live, and not the notice that replays get instead.
        if (w.send(event)) {
          w.next = history.size();
        }
      } else {
        w.missed(event);
      }
    }
  }

  /** Publishes the last event (result or error) and ends every watcher's stream once it has it. */
  synchronized void finish(SolveEvent last, BuildState finalState) {
    publish(last);
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
    watchers.removeIf(w -> w.out == watcher);
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

  /** One client's stream: how far into the history it has been sent, and what it missed. */
  private final class Watcher {
    final StreamObserver<SolveEvent> out;

    /** Flow control of a gRPC stream; null for other observers, which take events at once. */
    final ServerCallStreamObserver<SolveEvent> flow;

    int next;
    long missedLogBytes;
    SolveEvent firstMissed;

    Watcher(StreamObserver<SolveEvent> out) {
      this.out = out;
      this.flow = out instanceof ServerCallStreamObserver<SolveEvent> s ? s : null;
    }

    boolean ready() {
      return flow == null || flow.isReady();
    }

    /** Sends kept events from where this client is while it reads; ends it after the last. */
    void drain() {
      while (next < history.size() && ready()) {
        if (!send(history.get(next))) {
          return;
        }
        next++;
      }
      if (next == history.size() && state != BuildState.BUILD_STATE_RUNNING) {
        watchers.remove(this);
        try {
          out.onCompleted();
        } catch (RuntimeException gone) {
          // that client left already
        }
      }
    }

    /** Output the history did not keep, which this client was too far behind to be sent. */
    void missed(SolveEvent event) {
      if (event.hasLog()) {
        missedLogBytes += event.getLog().getData().size();
        if (firstMissed == null) {
          firstMissed = event;
        }
      }
    }

    boolean send(SolveEvent event) {
      try {
        if (firstMissed != null) {
          out.onNext(skippedNotice());
          firstMissed = null;
          missedLogBytes = 0;
        }
        out.onNext(event);
        return true;
      } catch (RuntimeException gone) {
        watchers.remove(this);
        return false;
      }
    }

    private SolveEvent skippedNotice() {
      return SolveEvent.newBuilder()
          .setBuildId(firstMissed.getBuildId())
          .setTime(firstMissed.getTime())
          .setLog(
              LogChunk.newBuilder()
                  .setVertexId(firstMissed.getLog().getVertexId())
                  .setStream(LogStream.LOG_STREAM_STDERR)
                  .setData(
                      ByteString.copyFromUtf8(
                          "\n[slipway: "
                              + missedLogBytes
                              + " bytes of log skipped: this client read more slowly than the"
                              + " build wrote]\n")))
          .build();
    }
  }
}
