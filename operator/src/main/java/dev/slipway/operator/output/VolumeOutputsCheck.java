package dev.slipway.operator.output;

import dev.slipway.api.resource.BuildOutput;
import dev.slipway.api.resource.BuildRequestSpec;
import dev.slipway.api.resource.CacheSource;
import dev.slipway.api.resource.CacheType;
import dev.slipway.api.resource.OutputType;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the CRD schema cannot say about outputs to volumes and caches: a dest that would leave its
 * claim, a volume output whose session belongs to the CLI, and a local cache, which no builder
 * reaches. The writer pod confines the path again; this says what is wrong before anything runs.
 */
public final class VolumeOutputsCheck {
  private VolumeOutputsCheck() {}

  /** The first problem, or empty. */
  public static Optional<String> problem(BuildRequestSpec spec) {
    List<BuildOutput> outputs = spec.getOutputs() == null ? List.of() : spec.getOutputs();
    // per claim: each output's path, normalized, by output index
    Map<String, Map<Path, Integer>> seen = new HashMap<>();
    for (int i = 0; i < outputs.size(); i++) {
      BuildOutput o = outputs.get(i);
      if (o.getVolumeClaimName() == null) {
        continue;
      }
      String field = "spec.outputs[" + i + "]";
      if (o.getType() == OutputType.IMAGE) {
        return Optional.of(
            field + ".volumeClaimName: an image output is pushed to a registry; drop it");
      }
      if (spec.getContext().getClient() != null) {
        return Optional.of(
            field
                + ".volumeClaimName: a build from a client context sends its outputs back to the"
                + " slipway CLI that started it; drop volumeClaimName, or build from a git,"
                + " configMap or image context");
      }
      Optional<String> dest = destProblem(o.getDest());
      if (dest.isPresent()) {
        return Optional.of(field + ".dest: \"" + o.getDest() + "\" " + dest.get());
      }
      Map<Path, Integer> claim = seen.computeIfAbsent(o.getVolumeClaimName(), c -> new HashMap<>());
      Path path = Path.of(o.getDest()).normalize();
      for (var other : claim.entrySet()) {
        // out/a.tar and ./out/a.tar are one file; a local dir out/ holds out/x.tar
        if (path.startsWith(other.getKey()) || other.getKey().startsWith(path)) {
          return Optional.of(
              field
                  + ".dest: spec.outputs["
                  + other.getValue()
                  + "] writes to the same path of claim "
                  + o.getVolumeClaimName()
                  + ", or one inside the other; give each output a path of its own");
        }
      }
      claim.put(path, i);
    }
    Optional<String> cache = localCache("spec.cacheFrom", spec.getCacheFrom());
    return cache.isPresent() ? cache : localCache("spec.cacheTo", spec.getCacheTo());
  }

  private static Optional<String> destProblem(String dest) {
    if (dest == null || dest.isEmpty() || dest.equals(".")) {
      return Optional.of("names no file inside the volume; give a relative path, e.g. out/app.tar");
    }
    if (dest.startsWith("/")) {
      return Optional.of(
          "is absolute; give a path relative to the volume's root, e.g. "
              + dest.replaceFirst("^/+", ""));
    }
    if (dest.indexOf('\0') >= 0 || List.of(dest.split("/")).contains("..")) {
      return Optional.of("leaves the volume; give a path inside it without ..");
    }
    return Optional.empty();
  }

  private static Optional<String> localCache(String field, List<CacheSource> caches) {
    List<CacheSource> list = caches == null ? List.of() : caches;
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).getType() == CacheType.LOCAL) {
        return Optional.of(
            field
                + "["
                + i
                + "]: a local cache on a volume is not supported by cluster builds yet (a shared"
                + " builder pod mounts no user's claim); use type registry with a cache image");
      }
    }
    return Optional.empty();
  }
}
