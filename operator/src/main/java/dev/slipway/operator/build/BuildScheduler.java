package dev.slipway.operator.build;

import dev.slipway.api.resource.BuildRequest;
import dev.slipway.operator.control.BuilderPod;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Places builds on a Builder's pods first come, first served. Decisions for one Builder are taken
 * one at a time: the n-th waiting request (by creation time) may start only while at least n slots
 * are free, so a later request never takes the slot an earlier one is owed, and two reconciles
 * never give away the same slot.
 */
public final class BuildScheduler {

  /** The outcome for one request. */
  public sealed interface Decision {}

  /** Runs on this pod, chosen as {@code choice} says; the run is registered and holds its slot. */
  public record Placed(BuildRun run, Placement.Choice choice) implements Decision {}

  /**
   * Waits; position 1 is next. {@code readyPods} counts the pods the informer sees ready, not those
   * that answered Info: one slow answer must not turn the whole queue into WaitingForPod.
   */
  public record Queued(int position, int readyPods) implements Decision {}

  /** Order of the queue: creation time, then name for requests created in the same second. */
  public static final Comparator<BuildRequest> FIRST_COME =
      Comparator.comparing((BuildRequest r) -> r.getMetadata().getCreationTimestamp())
          .thenComparing(r -> r.getMetadata().getName());

  private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();
  private final PodLoads loads;
  private final BuildRuns runs;

  public BuildScheduler(PodLoads loads, BuildRuns runs) {
    this.loads = loads;
    this.runs = runs;
  }

  /**
   * @param builder namespace/name of the Builder
   * @param waiting the Builder's requests that wait for a pod, in any order, including {@code
   *     request}
   * @param start creates the run for the chosen pod; called with the Builder's lock held
   */
  public Decision decide(
      String builder,
      BuildRequest request,
      List<BuildRequest> waiting,
      List<BuilderPod> pods,
      int maxParallelBuilds,
      BuildCacheKeys cache,
      Function<PodLoad, BuildRun> start) {
    synchronized (locks.computeIfAbsent(builder, b -> new Object())) {
      List<BuildRequest> queue = waiting.stream().sorted(FIRST_COME).toList();
      int index = indexOf(queue, request);
      List<PodLoad> podLoads = loads.of(pods, maxParallelBuilds);
      int free = Placement.freeSlots(podLoads);
      if (index < free) {
        var choice = Placement.choose(podLoads, cache);
        if (choice.isPresent()) {
          BuildRun run = start.apply(choice.get().load());
          runs.put(request.getMetadata().getUid(), run);
          return new Placed(run, choice.get());
        }
      }
      return new Queued(index - free + 1, (int) pods.stream().filter(BuilderPod::ready).count());
    }
  }

  private static int indexOf(List<BuildRequest> queue, BuildRequest request) {
    String uid = request.getMetadata().getUid();
    for (int i = 0; i < queue.size(); i++) {
      if (queue.get(i).getMetadata().getUid().equals(uid)) {
        return i;
      }
    }
    // Not in the informer's cache yet: it is the newest.
    return queue.size();
  }
}
