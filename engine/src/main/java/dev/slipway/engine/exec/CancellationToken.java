package dev.slipway.engine.exec;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Lets a build stop a running step from another thread: the executor polls it while the step runs.
 */
public final class CancellationToken {

  private final AtomicReference<String> reason = new AtomicReference<>();

  /** A token that nobody cancels. */
  public static CancellationToken none() {
    return new CancellationToken();
  }

  public void cancel(String why) {
    reason.compareAndSet(null, why);
  }

  public boolean isCancelled() {
    return reason.get() != null;
  }

  /** Why the token was cancelled, or null while it is not. */
  public String reason() {
    return reason.get();
  }
}
