package dev.slipway.cli.daemon;

import dev.slipway.cli.invocation.Invocation;
import java.util.ArrayList;
import java.util.List;

/** One command's cancel hooks in the daemon: run on CANCEL, on a lost client and on stop. */
final class CancelHooks implements Invocation.CancelHooks {
  private final List<Runnable> hooks = new ArrayList<>();
  private boolean cancelled;

  @Override
  public AutoCloseable onCancel(Runnable hook) {
    boolean now;
    synchronized (this) {
      now = cancelled;
      if (!now) {
        hooks.add(hook);
      }
    }
    if (now) {
      hook.run();
    }
    return () -> {
      synchronized (this) {
        hooks.remove(hook);
      }
    };
  }

  void cancel() {
    List<Runnable> run;
    synchronized (this) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      run = List.copyOf(hooks);
    }
    run.forEach(Runnable::run);
  }
}
