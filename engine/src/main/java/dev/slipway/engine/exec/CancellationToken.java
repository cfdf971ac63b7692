package dev.slipway.engine.exec;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Lets a build stop a running step from another thread. Listeners registered after cancellation run
 * immediately, so a step that starts late cannot miss the request.
 */
public final class CancellationToken {

  private final AtomicReference<String> reason = new AtomicReference<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  /** A token that nobody cancels. */
  public static CancellationToken none() {
    return new CancellationToken();
  }

  public void cancel(String why) {
    if (reason.compareAndSet(null, why)) {
      listeners.forEach(Runnable::run);
    }
  }

  public boolean isCancelled() {
    return reason.get() != null;
  }

  /** Why the token was cancelled, or null while it is not. */
  public String reason() {
    return reason.get();
  }

  /** Registers a listener; returns a handle that unregisters it. */
  public Runnable onCancel(Runnable listener) {
    listeners.add(listener);
    if (isCancelled() && listeners.remove(listener)) {
      listener.run();
    }
    return () -> listeners.remove(listener);
  }
}
