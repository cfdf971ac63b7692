package dev.slipway.operator.builder;

import dev.slipway.api.resource.BuilderSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The platforms a Builder builds: natively, the platform that the nodes of all its ready pods
 * share; emulated, those of spec.emulatedPlatforms that every ready pod lists in its Info (any pod
 * may get the build, so a platform counts only when every pod can run it). With no ready pod the
 * Builder keeps what it last reported: a Builder scaled to zero still builds them once a pod
 * starts.
 */
final class BuilderPlatforms {

  /** What one ready pod offers: its node's platform (may be null) and what its Info lists. */
  record ReadyPod(String nodePlatform, List<String> infoPlatforms) {}

  private BuilderPlatforms() {}

  /**
   * Null when there is none, so that the status shows no empty list.
   *
   * @param previous what the status said before, kept when no pod is ready
   */
  static List<String> nativePlatforms(Collection<ReadyPod> ready, List<String> previous) {
    if (ready.isEmpty()) {
      return previous;
    }
    Set<String> platforms = new LinkedHashSet<>();
    ready.stream().map(ReadyPod::nodePlatform).forEach(platforms::add);
    // pods on nodes of different (or unknown) platforms: no platform is native on every pod
    return platforms.size() != 1 || platforms.contains(null) ? null : new ArrayList<>(platforms);
  }

  static List<String> emulatedPlatforms(
      BuilderSpec spec, Collection<ReadyPod> ready, List<String> previous) {
    if (spec.getEmulatedPlatforms() == null) {
      return null;
    }
    if (ready.isEmpty()) {
      // still only what the spec asks for (it may have shrunk while scaled to zero)
      List<String> kept =
          previous == null
              ? List.of()
              : previous.stream().filter(spec.getEmulatedPlatforms()::contains).toList();
      return kept.isEmpty() ? null : new ArrayList<>(kept);
    }
    List<String> emulated =
        spec.getEmulatedPlatforms().stream()
            .distinct()
            .filter(p -> ready.stream().allMatch(pod -> pod.infoPlatforms().contains(p)))
            .toList();
    return emulated.isEmpty() ? null : new ArrayList<>(emulated);
  }
}
