package dev.slipway.operator.builder;

import dev.slipway.api.resource.BuilderSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The platforms a Builder builds: natively, those of the nodes its ready pods run on; emulated,
 * those of spec.emulatedPlatforms that every ready pod lists in its Info (a pod on a node without
 * the binfmt_misc handler cannot run them, and any pod may get the build).
 */
final class BuilderPlatforms {

  /** What one ready pod offers: its node's platform (may be null) and what its Info lists. */
  record ReadyPod(String nodePlatform, List<String> infoPlatforms) {}

  private BuilderPlatforms() {}

  /** Null when there is none, so that the status shows no empty list. */
  static List<String> nativePlatforms(Collection<ReadyPod> ready) {
    Set<String> platforms = new LinkedHashSet<>();
    ready.stream()
        .map(ReadyPod::nodePlatform)
        .filter(p -> p != null)
        .sorted()
        .forEach(platforms::add);
    return platforms.isEmpty() ? null : new ArrayList<>(platforms);
  }

  static List<String> emulatedPlatforms(BuilderSpec spec, Collection<ReadyPod> ready) {
    if (spec.getEmulatedPlatforms() == null || ready.isEmpty()) {
      return null;
    }
    List<String> emulated =
        spec.getEmulatedPlatforms().stream()
            .distinct()
            .filter(p -> ready.stream().allMatch(pod -> pod.infoPlatforms().contains(p)))
            .toList();
    return emulated.isEmpty() ? null : new ArrayList<>(emulated);
  }
}
