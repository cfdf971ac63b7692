package dev.slipway.operator.build;

import java.util.ArrayList;
import java.util.List;

/**
 * How much of a build's cache one pod holds. The context weighs most (its files and every step
 * after the first COPY), more when the pod built it recently (it is less likely pruned); then the
 * Dockerfile (the steps before the first COPY); then each base image (a pull saved).
 *
 * @param contextRank where the build's context key is in the pod's recent keys (0 newest), or -1
 * @param dockerfile whether the pod recently ran the same Dockerfile
 * @param baseImagesHeld how many of the build's base images the pod resolved recently
 * @param baseImagesWanted how many base images the build is known to use
 */
record CacheScore(int contextRank, boolean dockerfile, int baseImagesHeld, int baseImagesWanted) {

  static final int CONTEXT = 5;

  /** Added to {@link #CONTEXT} for the newest context, one less per build since, down to 0. */
  static final int CONTEXT_RECENCY = 3;

  static final int DOCKERFILE = 2;
  static final int BASE_IMAGE = 1;

  static CacheScore of(PodLoad pod, BuildCacheKeys cache) {
    int rank =
        cache.contextKey().isEmpty() ? -1 : pod.recentContextKeys().indexOf(cache.contextKey());
    boolean dockerfile =
        !cache.dockerfileDigest().isEmpty()
            && pod.recentDockerfileDigests().contains(cache.dockerfileDigest());
    int held = (int) cache.baseImages().stream().filter(pod.baseImages()::contains).count();
    return new CacheScore(rank, dockerfile, held, cache.baseImages().size());
  }

  int value() {
    int score = 0;
    if (contextRank >= 0) {
      score += CONTEXT + Math.max(0, CONTEXT_RECENCY - contextRank);
    }
    if (dockerfile) {
      score += DOCKERFILE;
    }
    return score + BASE_IMAGE * baseImagesHeld;
  }

  /** What the pod holds, for people: "this build's context and 2 of its 3 base images". */
  String held() {
    List<String> parts = new ArrayList<>();
    if (contextRank >= 0) {
      parts.add("this build's context");
    }
    if (dockerfile) {
      parts.add(parts.isEmpty() ? "this build's Dockerfile" : "its Dockerfile");
    }
    if (baseImagesHeld > 0) {
      String whose = parts.isEmpty() ? "this build's" : "its";
      parts.add(
          baseImagesWanted == 1
              ? whose + " base image"
              : baseImagesHeld + " of " + whose + " " + baseImagesWanted + " base images");
    }
    if (parts.isEmpty()) {
      return "none of this build's cache";
    }
    if (parts.size() == 1) {
      return parts.get(0);
    }
    return String.join(", ", parts.subList(0, parts.size() - 1))
        + " and "
        + parts.get(parts.size() - 1);
  }
}
