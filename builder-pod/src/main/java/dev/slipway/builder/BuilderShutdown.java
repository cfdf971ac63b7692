package dev.slipway.builder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Stops the builder once, within a bound: the resources added are closed newest first (the server,
 * which cancels the builds so their threads kill their containers and release their snapshots, then
 * the engine, which unmounts whatever is still mounted). It runs from the SIGTERM hook and when the
 * server ends. If closing takes longer than the bound, the process halts: a hung step or a wedged
 * mount must not keep a pod past its grace period, and the next start recovers the state directory
 * anyway.
 */
final class BuilderShutdown implements Runnable {
  private static final System.Logger LOG = System.getLogger(BuilderShutdown.class.getName());

  /** Below Kubernetes' default grace period of 30 s, which the builder pods keep. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

  /** The exit status of a builder that had to be halted. */
  static final int HALTED = 70;

  private record Step(String what, AutoCloseable resource) {}

  private final Duration timeout;
  private final Runnable halt;
  private final List<Step> steps = new ArrayList<>();
  private boolean ran;

  BuilderShutdown(Duration timeout) {
    this(timeout, () -> Runtime.getRuntime().halt(HALTED));
  }

  /**
   * @param halt what ends the process when closing overruns {@code timeout}
   */
  BuilderShutdown(Duration timeout, Runnable halt) {
    this.timeout = timeout;
    this.halt = halt;
  }

  Duration timeout() {
    return timeout;
  }

  /** Adds a resource to close at shutdown, before the ones added earlier. */
  synchronized void add(String what, AutoCloseable resource) {
    steps.add(new Step(what, resource));
  }

  /** Closes everything added, once; a second caller waits for the first to finish. */
  @Override
  public synchronized void run() {
    if (ran) {
      return;
    }
    ran = true;
    Thread watchdog =
        Thread.ofPlatform()
            .daemon()
            .name("builder-shutdown-watchdog")
            .start(
                () -> {
                  try {
                    Thread.sleep(timeout);
                  } catch (InterruptedException stopped) {
                    return;
                  }
                  System.err.println(
                      "slipway-builder: did not stop within "
                          + timeout.toSeconds()
                          + " s (--shutdown-timeout); halting, the next start recovers the state"
                          + " directory");
                  halt.run();
                });
    for (Step step : steps.reversed()) {
      try {
        step.resource().close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        LOG.log(System.Logger.Level.WARNING, "stopping {0} was interrupted", step.what());
      } catch (Exception | Error e) {
        LOG.log(System.Logger.Level.WARNING, "stopping " + step.what() + " failed", e);
      }
    }
    watchdog.interrupt();
  }
}
