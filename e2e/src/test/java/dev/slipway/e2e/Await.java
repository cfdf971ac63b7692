package dev.slipway.e2e;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Polls the cluster until a condition holds; on timeout says what was awaited and what was seen.
 */
public final class Await {

  private Await() {}

  public static <T> T until(
      String what, Duration timeout, Supplier<T> probe, java.util.function.Predicate<T> done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = null;
    RuntimeException lastError = null;
    while (System.nanoTime() < deadline) {
      try {
        last = probe.get();
        lastError = null;
        if (last != null && done.test(last)) {
          return last;
        }
      } catch (RuntimeException e) {
        lastError = e;
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
    throw new AssertionError(
        "timed out after "
            + timeout
            + " waiting for "
            + what
            + "; last seen: "
            + (lastError != null ? lastError : last),
        lastError);
  }
}
