package dev.slipway.engine.frontend.dockerfile.conversion;

import dev.slipway.engine.frontend.dockerfile.instructions.Dockerfile;

/**
 * The Dockerfile frontend: reads a Dockerfile as BuildKit does and turns it, with the build
 * options, into the engine's build graph and the image config to export.
 */
public final class DockerfileFrontend {

  private DockerfileFrontend() {}

  /**
   * Parses and converts. Throws {@link dev.slipway.engine.frontend.dockerfile.DockerfileException}
   * (with file:line:column) for anything wrong with the Dockerfile or the options; exceptions of
   * the resolver pass through.
   */
  public static BuildDefinition convert(ConvertRequest request) {
    Dockerfile dockerfile = Dockerfile.parse(request.fileName(), request.dockerfile());
    return new DockerfileConverter(request, dockerfile).convert();
  }
}
