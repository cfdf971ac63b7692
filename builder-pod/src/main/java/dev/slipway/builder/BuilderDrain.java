package dev.slipway.builder;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import sun.misc.Signal;

/**
 * What SIGTERM and SIGINT start: the builder stops taking builds (Solve is refused as draining,
 * Info says so, {@code /readyz} turns not ready, so the operator places new builds elsewhere), lets
 * the running ones finish within the grace ({@code --drain-timeout}), then stops as before ({@link
 * BuilderShutdown}), cancelling whatever still runs. Their Status and Session calls keep working
 * meanwhile. A second signal ends the wait at once: whoever sends it wants the builder gone now.
 */
final class BuilderDrain {

  private final BuildSlots slots;
  private final Duration grace;
  private final String graceText;
  private final Runnable stop;
  private final PrintStream log;
  private Thread draining;
  private boolean waiting;
  private boolean hurried;

  /**
   * @param graceText the grace as the user wrote it, for the log
   * @param stop the shutdown that follows the drain
   */
  BuilderDrain(BuildSlots slots, Duration grace, String graceText, Runnable stop, PrintStream log) {
    this.slots = slots;
    this.grace = grace;
    this.graceText = graceText;
    this.stop = stop;
    this.log = log;
  }

  /**
   * Takes SIGTERM and SIGINT from the JVM, whose own handling would stop the builder at once. Where
   * a signal cannot be taken (ignored since the process started), it keeps doing what it did.
   */
  void install() {
    for (String name : List.of("TERM", "INT")) {
      try {
        Signal.handle(new Signal(name), s -> signal("SIG" + s.getName()));
      } catch (IllegalArgumentException e) {
        log.println("slipway-builder: cannot handle SIG" + name + " (" + e.getMessage() + ")");
      }
    }
  }

  /**
   * A stop signal: the first starts the drain and then the shutdown, the next ends the drain's
   * wait; once the shutdown runs, it is bounded by --shutdown-timeout and signals change nothing.
   */
  synchronized void signal(String name) {
    if (draining == null) {
      waiting = true;
      draining = Thread.ofPlatform().name("builder-drain").start(this::drainThenStop);
    } else if (waiting && !hurried) {
      log.println("slipway-builder: " + name + " again: ending the drain now");
      hurried = true;
      draining.interrupt();
    }
  }

  /** The thread the drain runs on once signalled, to wait for in tests. */
  synchronized Thread thread() {
    return draining;
  }

  private void drainThenStop() {
    try {
      drain();
    } finally {
      stop.run();
    }
  }

  /** Refuses new builds and waits for the running ones, up to the grace. */
  private void drain() {
    slots.drain();
    log.println(
        "slipway-builder: draining: "
            + slots.running()
            + " builds running, taking no new build (grace "
            + graceText
            + ")");
    boolean drained;
    try {
      drained = hurried() ? slots.running() == 0 : slots.awaitNoneRunning(grace);
    } catch (InterruptedException e) {
      drained = false;
    }
    endWait();
    if (drained) {
      log.println("slipway-builder: drained");
    } else {
      log.println(
          "slipway-builder: "
              + (hurried()
                  ? "drain ended by a second signal"
                  : "drain grace " + graceText + " passed")
              + ": cancelling the "
              + slots.running()
              + " builds still running");
    }
  }

  /** From here on the shutdown runs; a second signal that came as the wait ended is spent. */
  private synchronized void endWait() {
    waiting = false;
    Thread.interrupted();
  }

  private synchronized boolean hurried() {
    return hurried;
  }
}
