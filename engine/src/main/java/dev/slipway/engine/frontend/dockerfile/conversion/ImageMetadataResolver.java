package dev.slipway.engine.frontend.dockerfile.conversion;

import dev.slipway.engine.content.Platform;
import dev.slipway.engine.image.ImageConfig;

/**
 * Looks up the configuration of a base image (for its ENV, WORKDIR, USER, ONBUILD, ...). The engine
 * implements it with its image store and registry client; tests use a map.
 */
@FunctionalInterface
public interface ImageMetadataResolver {

  /**
   * The config of {@code ref} (normalized, e.g. {@code docker.io/library/busybox:latest}) for
   * {@code platform}. Implementations throw their own exception when the image cannot be found.
   */
  ImageConfig resolve(String ref, Platform platform);
}
