package dev.slipway.session.serving;

import java.time.Duration;

/**
 * How many more bytes of one read request the builder is willing to receive (its back-pressure).
 * The sender waits for credit; a builder that never grants more gives up the read after a while.
 */
final class ReadCredit {
  private long available;
  private boolean abandoned;

  ReadCredit(long initial) {
    this.available = initial;
  }

  synchronized void grant(long bytes) {
    available += bytes;
    notifyAll();
  }

  /** Returns credit taken but not used (a file ended inside its chunk). */
  synchronized void giveBack(long bytes) {
    grant(bytes);
  }

  synchronized void abandon() {
    abandoned = true;
    notifyAll();
  }

  /** Takes up to {@code wanted} bytes of credit there is now, without waiting (0: none). */
  synchronized int tryTake(int wanted) {
    if (abandoned || available <= 0) {
      return 0;
    }
    int n = (int) Math.min(wanted, available);
    available -= n;
    return n;
  }

  /** Takes up to {@code wanted} bytes of credit, waiting for some; 0 when the read is over. */
  synchronized int take(int wanted, Duration patience) throws InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    while (available <= 0 && !abandoned) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return 0;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    if (abandoned) {
      return 0;
    }
    int n = (int) Math.min(wanted, available);
    available -= n;
    return n;
  }
}
