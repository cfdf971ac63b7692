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
 * operator queues them); finished builds are kept a while for {@code Status} and {@code
 * ListBuilds}.
 */
final class BuildSlots {
  private static final int KEEP_FINISHED = 100;

  private final int maxParallel;
  private final Map<String, RunningBuild> builds = new LinkedHashMap<>();
  private int running;

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
    forgetOldest();
    return build;
  }

  /** Frees the slot of a build that ended. */
  synchronized void finished(RunningBuild build) {
    running--;
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

  private void forgetOldest() {
    List<String> finished = new ArrayList<>();
    for (RunningBuild b : builds.values()) {
      if (!b.isRunning()) {
        finished.add(b.id());
      }
    }
    for (int i = 0; i < finished.size() - KEEP_FINISHED; i++) {
      builds.remove(finished.get(i));
    }
  }
}
