package dev.slipway.engine.frontend.dockerfile.conversion;

import dev.slipway.engine.content.Platform;
import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.frontend.dockerfile.instructions.Dockerfile;
import dev.slipway.engine.frontend.dockerfile.instructions.Stage;
import dev.slipway.engine.frontend.dockerfile.shell.VariableExpander;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The base images a Dockerfile names, found without resolving anything: each stage's FROM expanded
 * with the global ARGs and the build args, less other stages, scratch and named contexts,
 * normalized as the engine normalizes them ({@code busybox} → {@code
 * docker.io/library/busybox:latest}). A cluster build sends them as a placement hint, so a
 * Dockerfile that does not parse just gives none: the build reports the error.
 */
public final class BaseImageNames {

  private BaseImageNames() {}

  /**
   * @param namedContexts names of the build's named contexts (--build-context), which win over an
   *     image of the same name
   * @param limit at most this many names, in the order of the stages
   */
  public static List<String> of(
      String dockerfile,
      Map<String, String> buildArgs,
      Set<String> namedContexts,
      Platform targetPlatform,
      int limit) {
    Dockerfile df;
    try {
      df = Dockerfile.parse("Dockerfile", dockerfile);
    } catch (DockerfileException e) {
      return List.of();
    }
    ConvertRequest req =
        ConvertRequest.builder(dockerfile, NOT_RESOLVED)
            .buildArgs(buildArgs)
            .targetPlatform(targetPlatform)
            .build();
    GlobalArgs globals =
        new GlobalArgs(req, new VariableExpander(df.directives().escape()), warning -> {});
    Set<String> contexts = new LinkedHashSet<>();
    namedContexts.forEach(n -> contexts.add(familiarOrSelf(n)));
    Map<String, Integer> stages = new HashMap<>();
    df.stages().stream()
        .filter(s -> s.name() != null)
        .forEach(s -> stages.put(s.name(), s.index()));
    Set<String> names = new LinkedHashSet<>();
    try {
      globals.declare(df.metaArgs(), buildArgs);
      for (Stage s : df.stages()) {
        if (names.size() >= limit) {
          break;
        }
        String ref = globals.expand(s.from().image(), s.from().meta(), "UndefinedArgInFrom");
        boolean image =
            !ref.isEmpty()
                && stages.getOrDefault(ref, s.index()) == s.index()
                && !ref.equalsIgnoreCase("scratch")
                && !contexts.contains(familiarOrSelf(ref));
        if (image) {
          try {
            names.add(ImageReference.normalize(ref));
          } catch (IllegalArgumentException malformed) {
            // the build itself reports it, at its line
          }
        }
      }
    } catch (DockerfileException e) {
      // a FROM whose expansion fails: the names found before it are still a fair hint
    }
    return List.copyOf(names);
  }

  private static String familiarOrSelf(String name) {
    try {
      return ContextName.familiar(name);
    } catch (IllegalArgumentException e) {
      return name;
    }
  }

  private static final ImageMetadataResolver NOT_RESOLVED =
      (ref, platform) -> {
        throw new IllegalStateException("base image names are found without resolving them");
      };
}
