package dev.slipway.engine.frontend.dockerfile.conversion;

import dev.slipway.engine.content.Platform;
import dev.slipway.engine.graph.Vertex;
import dev.slipway.engine.image.ImageConfig;
import java.util.Map;

/**
 * A converted stage: its final filesystem, its image config, the platform it was built for, and
 * what a stage {@code FROM} it inherits besides: the ARGs it declared ({@code args}, null values
 * for those without one) and the ARG values in its build environment ({@code argEnv}).
 */
record ConvertedStage(
    Vertex vertex,
    ImageConfig image,
    Platform platform,
    Map<String, String> args,
    Map<String, String> argEnv) {

  /** A base that is not a stage (scratch, a named context): it passes on no ARGs. */
  ConvertedStage(Vertex vertex, ImageConfig image, Platform platform) {
    this(vertex, image, platform, Map.of(), Map.of());
  }
}
