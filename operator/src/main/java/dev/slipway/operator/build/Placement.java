package dev.slipway.operator.build;

import dev.slipway.api.resource.BuildPlacementStatus;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Chooses the pod for a build among pods with a free slot: the one that holds the most of the
 * build's cache ({@link CacheScore}), ties to the least loaded, then by name so that the choice is
 * stable; when no free pod holds any of it, the least loaded. The choice says why, naming the
 * runner-up, for the BuildRequest's status and its {@code Placed} event.
 */
public final class Placement {

  /**
   * A pod chosen for a build.
   *
   * @param reason {@link BuildPlacementStatus#CACHE_AFFINITY} or {@link
   *     BuildPlacementStatus#LEAST_LOADED}
   */
  public record Choice(PodLoad load, String reason, String message, int score) {

    public BuildPlacementStatus status() {
      return new BuildPlacementStatus(load.pod().name(), reason, message);
    }
  }

  private record Scored(PodLoad load, CacheScore cache) {
    int score() {
      return cache.value();
    }

    String name() {
      return load.pod().name();
    }
  }

  private static final Comparator<PodLoad> LEAST_LOADED =
      Comparator.comparingDouble((PodLoad p) -> (double) p.active() / p.capacity())
          .thenComparing(p -> p.pod().name());

  private static final Comparator<Scored> BEST =
      Comparator.comparingInt(Scored::score).reversed().thenComparing(Scored::load, LEAST_LOADED);

  private Placement() {}

  public static Optional<Choice> choose(List<PodLoad> pods, BuildCacheKeys cache) {
    List<Scored> scored = pods.stream().map(p -> new Scored(p, CacheScore.of(p, cache))).toList();
    Optional<Scored> chosen = scored.stream().filter(s -> s.load().free() > 0).min(BEST);
    return chosen.map(c -> explain(c, scored));
  }

  private static Choice explain(Scored chosen, List<Scored> all) {
    Optional<Scored> runnerUp =
        all.stream().filter(s -> s != chosen).filter(s -> s.score() > 0).min(BEST);
    if (chosen.score() > 0) {
      String other =
          runnerUp
              .map(
                  r ->
                      r.name()
                          + " had "
                          + r.score()
                          + (r.load().free() > 0 ? "" : ", no free slot"))
              .orElse("no other pod held any");
      return new Choice(
          chosen.load(),
          BuildPlacementStatus.CACHE_AFFINITY,
          "placed on "
              + chosen.name()
              + ": it holds "
              + chosen.cache().held()
              + " (score "
              + chosen.score()
              + "; "
              + other
              + ")",
          chosen.score());
    }
    String busyWarm =
        runnerUp
            .map(
                r ->
                    " ("
                        + r.name()
                        + " holds "
                        + r.cache().held()
                        + ", score "
                        + r.score()
                        + ", but has no free slot)")
            .orElse("");
    return new Choice(
        chosen.load(),
        BuildPlacementStatus.LEAST_LOADED,
        "placed on "
            + chosen.name()
            + ": no pod with a free slot holds any of this build's cache"
            + busyWarm
            + "; it is the least loaded ("
            + chosen.load().active()
            + " of "
            + chosen.load().capacity()
            + " slots busy)",
        0);
  }

  /** Free slots of all pods together. */
  public static int freeSlots(List<PodLoad> pods) {
    return pods.stream().mapToInt(PodLoad::free).sum();
  }
}
