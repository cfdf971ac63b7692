package dev.slipway.operator.build;

import dev.slipway.api.resource.BuildOutput;
import dev.slipway.api.resource.BuildRequestSpec;
import dev.slipway.api.resource.Builder;
import dev.slipway.api.resource.OutputType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Plans a BuildRequest with two or more platforms. Each platform goes to a Builder of the namespace
 * that builds it natively (the request's own first), else to the request's own Builder if it
 * emulates it. The build is split into one child per platform only when that moves a platform off
 * the request's Builder and the parts can be built apart: a client context is served by one CLI
 * session, and only pushed images can be put together into one index afterwards.
 */
final class PlatformPlanner {

  private PlatformPlanner() {}

  /**
   * @param own the request's spec.builderRef Builder
   * @param builders every Builder of the request's namespace (own among them or not)
   */
  static PlatformPlan plan(BuildRequestSpec spec, Builder own, Collection<Builder> builders) {
    // distinct after normalizing: linux/arm64 and linux/arm64/v8 are one platform, one child
    List<String> platforms =
        spec.getPlatforms().stream().map(Platforms::normalize).distinct().toList();
    String ownName = own.getMetadata().getName();
    if (!Platforms.known(own)) {
      // a Builder that never had a ready pod has not said what it builds: a pod must start first
      return new PlatformPlan.AwaitingPlatforms();
    }
    String namespace = own.getMetadata().getNamespace();
    Optional<String> splitBlocker = splitBlocker(spec);
    List<PlatformPlan.Part> parts = new ArrayList<>();
    for (String platform : platforms) {
      Optional<Builder> nativeBuilder =
          Platforms.nativeOn(own, platform)
              ? Optional.of(own)
              : builders.stream()
                  .filter(b -> Platforms.nativeOn(b, platform))
                  .min(Comparator.comparing(b -> b.getMetadata().getName()));
      boolean emulated = Platforms.emulatedOn(own, platform);
      if (nativeBuilder.isPresent()
          && (splitBlocker.isEmpty() || nativeBuilder.get() == own || !emulated)) {
        parts.add(
            new PlatformPlan.Part(platform, nativeBuilder.get().getMetadata().getName(), true));
      } else if (emulated) {
        parts.add(new PlatformPlan.Part(platform, ownName, false));
      } else {
        return new PlatformPlan.Impossible(
            "no Builder in namespace "
                + namespace
                + " builds "
                + platform
                + " natively and Builder "
                + ownName
                + " does not emulate it: add it to "
                + ownName
                + "'s spec.emulatedPlatforms or create a Builder on such nodes (kubectl get"
                + " builders -o wide shows each Builder's platforms)");
      }
    }
    boolean allOwn = parts.stream().allMatch(p -> p.builder().equals(ownName));
    if (allOwn) {
      return new PlatformPlan.Together(parts);
    }
    if (splitBlocker.isPresent()) {
      PlatformPlan.Part elsewhere =
          parts.stream().filter(p -> !p.builder().equals(ownName)).findFirst().orElseThrow();
      return new PlatformPlan.Impossible(
          "Builder "
              + ownName
              + " neither builds "
              + elsewhere.platform()
              + " natively nor emulates it, and this build cannot be split across Builders ("
              + splitBlocker.get()
              + "): add "
              + elsewhere.platform()
              + " to "
              + ownName
              + "'s spec.emulatedPlatforms, or build with builderRef "
              + elsewhere.builder());
    }
    return new PlatformPlan.Split(parts);
  }

  /** Why the request's platforms must be built in one Solve, or empty when they may be split. */
  static Optional<String> splitBlocker(BuildRequestSpec spec) {
    if (spec.getContext() != null && spec.getContext().getClient() != null) {
      return Optional.of("its context is served by one slipway CLI session");
    }
    List<BuildOutput> outputs = spec.getOutputs() == null ? List.of() : spec.getOutputs();
    if (outputs.isEmpty()) {
      return Optional.of("it has no output");
    }
    if (outputs.stream()
            .filter(o -> o.getNames() != null)
            .flatMap(o -> o.getNames().stream())
            .map(PlatformChildren::repository)
            .map(PlatformPlanner::registry)
            .distinct()
            .count()
        > 1) {
      return Optional.of(
          "its image names are in more than one registry, and an index is assembled from parts"
              + " in one registry");
    }
    for (BuildOutput output : outputs) {
      if (output.getType() != OutputType.IMAGE || Boolean.FALSE.equals(output.getPush())) {
        return Optional.of(
            "its "
                + (output.getType() == null ? "" : output.getType().name().toLowerCase() + " ")
                + "output is not an image push, and only pushed parts can be put into one index");
      }
    }
    return Optional.empty();
  }

  /** The registry host of a repository name (docker.io when the first part is not a host). */
  private static String registry(String repository) {
    int slash = repository.indexOf('/');
    String first = slash < 0 ? "" : repository.substring(0, slash);
    boolean host = first.contains(".") || first.contains(":") || first.equals("localhost");
    return host ? first : "docker.io";
  }
}
