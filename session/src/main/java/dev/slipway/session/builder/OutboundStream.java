package dev.slipway.session.builder;

import dev.slipway.api.session.v1.BuilderMessage;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Duration;

/**
 * The builder-to-client half of a session stream, shared by the threads that ask: one message at a
 * time, and only when the transport can take it (so an export to a slow client waits instead of
 * piling up in memory).
 */
final class OutboundStream {
  private final ServerCallStreamObserver<BuilderMessage> out;
  private final Object lock = new Object();
  private volatile boolean closed;

  /** Must be created while the call starts: gRPC accepts the ready handler only then. */
  OutboundStream(ServerCallStreamObserver<BuilderMessage> out) {
    this.out = out;
    out.setOnReadyHandler(this::wake);
  }

  /** Sends {@code m}; false when the stream closed or stayed full for {@code patience}. */
  boolean send(BuilderMessage m, Duration patience) throws InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    synchronized (lock) {
      while (!closed && !out.isReady()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        lock.wait(Math.max(1, left / 1_000_000));
      }
      if (closed) {
        return false;
      }
      try {
        out.onNext(m);
        return true;
      } catch (RuntimeException e) {
        closed = true;
        return false;
      }
    }
  }

  boolean isClosed() {
    return closed;
  }

  /** Marks the stream closed (the call ended) and wakes waiting senders. */
  void closed() {
    closed = true;
    wake();
  }

  /** Ends the call from the builder's side. */
  void fail(Status status) {
    synchronized (lock) {
      if (!closed) {
        closed = true;
        try {
          out.onError(status.asRuntimeException());
        } catch (RuntimeException alreadyEnded) {
          // the call ended meanwhile
        }
      }
    }
    wake();
  }

  void complete() {
    synchronized (lock) {
      if (!closed) {
        closed = true;
        out.onCompleted();
      }
    }
    wake();
  }

  private void wake() {
    synchronized (lock) {
      lock.notifyAll();
    }
  }
}
