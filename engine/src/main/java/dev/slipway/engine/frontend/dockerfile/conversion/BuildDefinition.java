package dev.slipway.engine.frontend.dockerfile.conversion;

import dev.slipway.engine.frontend.dockerfile.BuildWarning;
import dev.slipway.engine.graph.Vertex;
import dev.slipway.engine.image.ImageConfig;
import java.util.List;

/**
 * What a Dockerfile builds: the graph whose root is the final root filesystem, the image config to
 * export with it (history entries with {@code empty_layer} where BuildKit puts them; the rootfs
 * still lists only the base image's layers, the exporter appends the built ones), the build check
 * warnings.
 */
public record BuildDefinition(Vertex root, ImageConfig image, List<BuildWarning> warnings) {

  public BuildDefinition {
    warnings = List.copyOf(warnings);
  }
}
