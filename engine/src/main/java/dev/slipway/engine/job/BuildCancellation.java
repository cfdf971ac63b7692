package dev.slipway.engine.job;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Cancels a running build from another thread (Ctrl-C, Control.Cancel, a BuildRequest's
 * spec.cancel). Whoever owns something that must be released on cancel — a process, a mount —
 * registers a callback; callbacks registered after the fact run at once.
 */
public final class BuildCancellation {
  private final List<Runnable> callbacks = new CopyOnWriteArrayList<>();
  private volatile String reason;

  public void cancel(String why) {
    synchronized (this) {
      if (reason != null) {
        return;
      }
      reason = why;
    }
    callbacks.forEach(Runnable::run);
  }

  public boolean isCancelled() {
    return reason != null;
  }

  public String reason() {
    return reason;
  }

  /** Runs {@code callback} on cancel; returns a handle that unregisters it. */
  public AutoCloseable onCancel(Runnable callback) {
    callbacks.add(callback);
    if (isCancelled()) {
      callback.run();
    }
    return () -> callbacks.remove(callback);
  }

  /**
   * A cancellation that follows this one and can also be cancelled on its own: how a build stops
   * its other steps when one fails without marking the caller's build as cancelled.
   */
  public BuildCancellation child() {
    BuildCancellation child = new BuildCancellation();
    onCancel(() -> child.cancel(reason));
    return child;
  }

  /** Throws when cancelled, for loops that check between units of work. */
  public void throwIfCancelled() throws BuildFailedException {
    if (isCancelled()) {
      throw BuildFailedException.cancelled(reason);
    }
  }
}
