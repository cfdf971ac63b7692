package dev.slipway.engine.source;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Interrupts the thread that opened it when it reports no progress for {@code idle}: a download
 * whose server stops sending then fails, instead of holding its build slot until the build is
 * cancelled. The HTTP client's body stream turns the interrupt into an IOException.
 */
final class StallWatch implements AutoCloseable {
  private final Thread watched = Thread.currentThread();
  private final long idleNanos;
  private final Thread watcher;
  private volatile long lastProgress = System.nanoTime();
  private volatile boolean fired;

  StallWatch(Duration idle) {
    this.idleNanos = idle.toNanos();
    this.watcher = Thread.ofVirtual().name("download-stall-watch").start(this::watch);
  }

  private void watch() {
    try {
      while (true) {
        long left = lastProgress + idleNanos - System.nanoTime();
        if (left <= 0) {
          fired = true;
          watched.interrupt();
          return;
        }
        TimeUnit.NANOSECONDS.sleep(left);
      }
    } catch (InterruptedException closed) {
      // the download ended first
    }
  }

  void progress() {
    lastProgress = System.nanoTime();
  }

  boolean fired() {
    return fired;
  }

  /** Stops watching; an interrupt this watch sent is cleared, so it cannot reach a later step. */
  @Override
  public void close() throws InterruptedException {
    watcher.interrupt();
    watcher.join();
    if (fired) {
      Thread.interrupted();
    }
  }
}
