package dev.slipway.operator.build;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Chooses the pod for a build among pods with a free slot: the one that built the same context most
 * recently (its cache is warm), otherwise the least loaded, ties broken by name so that the choice
 * is stable.
 */
public final class Placement {

  private Placement() {}

  public static Optional<PodLoad> choose(List<PodLoad> pods, String contextKey) {
    List<PodLoad> free = pods.stream().filter(p -> p.free() > 0).toList();
    Comparator<PodLoad> leastLoaded =
        Comparator.comparingDouble((PodLoad p) -> (double) p.active() / p.capacity())
            .thenComparing(p -> p.pod().name());
    Optional<PodLoad> warm =
        free.stream()
            .filter(p -> p.recentContextKeys().contains(contextKey))
            .min(
                Comparator.comparingInt((PodLoad p) -> p.recentContextKeys().indexOf(contextKey))
                    .thenComparing(leastLoaded));
    return warm.or(() -> free.stream().min(leastLoaded));
  }

  /** Free slots of all pods together. */
  public static int freeSlots(List<PodLoad> pods) {
    return pods.stream().mapToInt(PodLoad::free).sum();
  }
}
