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

  /**
   * The digest {@code ref} resolved to in {@link #resolve} (e.g. {@code sha256:…}), or null when
   * the resolver does not know it; the FROM step is then shown with the name alone.
   */
  default String digest(String ref, Platform platform) {
    return null;
  }
}
