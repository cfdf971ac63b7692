package dev.slipway.builder;

import dev.slipway.api.control.v1.SolveRequest;
import io.grpc.Status;
import io.grpc.StatusException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The builds of this builder: at most {@code maxParallel} run at once and the rest are refused (the
 * operator queues them), as is every new build once the builder drains; finished builds are kept a
 * while for {@code Status} and {@code ListBuilds}, the newest first, up to a number and a total
 * size of their histories.
 */
final class BuildSlots {
  private static final int KEEP_FINISHED = 100;

  /** Why a draining builder refuses a build; the operator places it on another pod. */
  static final String DRAINING =
      "this builder pod is draining (it is being stopped or replaced): it finishes the builds it"
          + " runs and takes no new one; run the build on another builder pod";

  /**
   * What the histories of finished builds may hold together: eight builds with a full log budget
   * each, a small part of a 256 MiB heap.
   */
  static final long KEEP_FINISHED_BYTES = 8 * EventHistory.DEFAULT_MAX_LOG_BYTES;

  private final int maxParallel;
  private final Map<String, RunningBuild> builds = new LinkedHashMap<>();
  private int running;
  private boolean draining;

  BuildSlots(int maxParallel) {
    this.maxParallel = maxParallel;
  }

  int maxParallel() {
    return maxParallel;
  }

  /**
   * Takes a slot for a new build of {@code owner}, or refuses it with the status the client sees.
   */
  synchronized RunningBuild start(SolveRequest request, String owner) throws StatusException {
    if (request.getBuildId().isBlank()) {
      throw Status.INVALID_ARGUMENT
          .withDescription("the request has no build_id; choose a unique one per build")
          .asException();
    }
    if (builds.containsKey(request.getBuildId())) {
      throw Status.ALREADY_EXISTS
          .withDescription(
              "build " + request.getBuildId() + " exists already; choose a new build_id")
          .asException();
    }
    if (draining) {
      throw Status.UNAVAILABLE.withDescription(DRAINING).asException();
    }
    if (running >= maxParallel) {
      throw Status.RESOURCE_EXHAUSTED
          .withDescription(
              "this builder is running "
                  + running
                  + " builds, its maximum (--max-builds "
                  + maxParallel
                  + "); retry when one has finished, or use another builder")
          .asException();
    }
    running++;
    RunningBuild build = new RunningBuild(request, owner);
    builds.put(build.id(), build);
    forgetOldest(null);
    return build;
  }

  /** Frees the slot of a build that ended. */
  synchronized void finished(RunningBuild build) {
    running--;
    forgetOldest(build);
    notifyAll();
  }

  /** From now on every new build is refused; the running ones go on. */
  synchronized void drain() {
    draining = true;
  }

  synchronized boolean draining() {
    return draining;
  }

  /**
   * Waits until no build runs, up to {@code patience}.
   *
   * @return whether none runs
   */
  synchronized boolean awaitNoneRunning(java.time.Duration patience) throws InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    while (running > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  synchronized Optional<RunningBuild> get(String id) {
    return Optional.ofNullable(builds.get(id));
  }

  synchronized Collection<RunningBuild> all() {
    return List.copyOf(builds.values());
  }

  synchronized int running() {
    return running;
  }

  /**
   * Forgets the oldest finished builds beyond the number and size kept.
   *
   * @param ending a build whose slot was just freed, counted as finished already
   */
  private void forgetOldest(RunningBuild ending) {
    List<RunningBuild> finished = new ArrayList<>();
    for (RunningBuild b : builds.values()) {
      if (b == ending || !b.isRunning()) {
        finished.add(b);
      }
    }
    int kept = 0;
    long keptBytes = 0;
    for (RunningBuild b : finished.reversed()) {
      keptBytes += b.historyBytes();
      if (++kept > KEEP_FINISHED || keptBytes > KEEP_FINISHED_BYTES) {
        builds.remove(b.id());
      }
    }
  }
}
