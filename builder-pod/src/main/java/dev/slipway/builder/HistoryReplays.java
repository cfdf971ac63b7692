package dev.slipway.builder;

import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.engine.history.HistoryStore;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * HistoryLogs replays: each reads the next kept event only while its client takes them (gRPC flow
 * control), and a caller has at most {@link #MAX_PER_CALLER} at once, so replays nobody reads hold
 * an open file each, never whole logs in the builder's memory.
 */
final class HistoryReplays {
  static final int MAX_PER_CALLER = 4;

  private final HistoryStore store;
  private final Map<String, Integer> running = new HashMap<>();

  HistoryReplays(HistoryStore store) {
    this.store = store;
  }

  /** Replays build {@code id}'s log to {@code call}; ends it with {@code notKept} if none is. */
  void start(
      String caller,
      String id,
      ServerCallStreamObserver<SolveEvent> call,
      StatusException notKept) {
    if (!acquire(caller)) {
      call.onError(
          Status.RESOURCE_EXHAUSTED
              .withDescription(
                  "this caller is already reading "
                      + MAX_PER_CALLER
                      + " build logs from this builder; read or close those first")
              .asException());
      return;
    }
    Optional<HistoryStore.EventLog> log;
    try {
      log = store.events(id);
    } catch (IOException e) {
      release(caller);
      call.onError(unreadable(e));
      return;
    }
    if (log.isEmpty()) {
      release(caller);
      call.onError(notKept);
      return;
    }
    Replay replay = new Replay(caller, log.get(), call);
    call.setOnCancelHandler(replay::end);
    call.setOnReadyHandler(replay::pump);
    replay.pump();
  }

  private synchronized boolean acquire(String caller) {
    int now = running.getOrDefault(caller, 0);
    if (now >= MAX_PER_CALLER) {
      return false;
    }
    running.put(caller, now + 1);
    return true;
  }

  private synchronized void release(String caller) {
    running.computeIfPresent(caller, (c, n) -> n > 1 ? n - 1 : null);
  }

  /** How many replays {@code caller} has open. */
  synchronized int running(String caller) {
    return running.getOrDefault(caller, 0);
  }

  private static StatusException unreadable(IOException e) {
    return Status.INTERNAL
        .withDescription("cannot read the build's kept log: " + e.getMessage())
        .asException();
  }

  /** One replay: sends while the client is ready, resumes when it is ready again. */
  private final class Replay {
    private final String caller;
    private final HistoryStore.EventLog log;
    private final ServerCallStreamObserver<SolveEvent> call;
    private boolean ended;

    Replay(String caller, HistoryStore.EventLog log, ServerCallStreamObserver<SolveEvent> call) {
      this.caller = caller;
      this.log = log;
      this.call = call;
    }

    synchronized void pump() {
      try {
        while (!ended && call.isReady()) {
          Optional<SolveEvent> next = log.next();
          if (next.isEmpty()) {
            end();
            call.onCompleted();
            return;
          }
          call.onNext(next.get());
        }
      } catch (IOException e) {
        end();
        call.onError(unreadable(e));
      } catch (RuntimeException gone) {
        // the client left during the replay
        end();
      }
    }

    synchronized void end() {
      if (ended) {
        return;
      }
      ended = true;
      release(caller);
      try {
        log.close();
      } catch (IOException ignored) {
        // only read from
      }
    }
  }
}
