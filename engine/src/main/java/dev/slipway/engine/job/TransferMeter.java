package dev.slipway.engine.job;

import dev.slipway.api.control.v1.TransferKind;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;

/**
 * Counts the bytes of one transfer as they pass and reports them to its {@link TransferScope}
 * through one {@link TransferThrottle}; {@link #complete()} always reports the final count. Safe
 * for the threads of an HTTP client that hand a body on in turns.
 */
public final class TransferMeter {
  private final TransferScope scope;
  private final TransferKind kind;
  private final String id;
  private final String name;
  private final long total;
  private final Instant started = Instant.now();
  private final TransferThrottle throttle = new TransferThrottle();
  private long current;
  private boolean completed;

  TransferMeter(TransferScope scope, TransferKind kind, String id, String name, long total) {
    this.scope = scope;
    this.kind = kind;
    this.id = id;
    this.name = name;
    this.total = total;
    report(false);
  }

  /** Another {@code n} bytes passed. */
  public synchronized void add(long n) {
    if (n > 0 && !completed) {
      current += n;
      report(false);
    }
  }

  /**
   * The transfer stands at {@code count} bytes: a retried upload starts again from 0, a resumed
   * download from what it already has.
   */
  public synchronized void set(long count) {
    if (!completed) {
      current = count;
      report(false);
    }
  }

  /** The transfer ended; reports its final count once. */
  public synchronized void complete() {
    if (!completed) {
      completed = true;
      scope.report(kind, id, name, started, current, total, true);
    }
  }

  public synchronized long current() {
    return current;
  }

  private void report(boolean done) {
    if (throttle.due(current, total, System.nanoTime())) {
      scope.report(kind, id, name, started, current, total, done);
    }
  }

  /** {@code in}, counting what is read from it. */
  public InputStream counting(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          add(1);
        }
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        add(n);
        return n;
      }

      @Override
      public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        add(skipped);
        return skipped;
      }
    };
  }

  /** {@code out}, counting what is written to it. */
  public OutputStream counting(OutputStream out) {
    return new FilterOutputStream(out) {
      @Override
      public void write(int b) throws IOException {
        out.write(b);
        add(1);
      }

      @Override
      public void write(byte[] buf, int off, int len) throws IOException {
        out.write(buf, off, len);
        add(len);
      }
    };
  }
}
