package dev.slipway.engine.solver;

import dev.slipway.engine.content.Digest;
import dev.slipway.engine.content.Platform;
import dev.slipway.engine.image.Image;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.job.TransferScope;
import dev.slipway.engine.registry.RegistryAccess;
import java.io.IOException;

/**
 * Where base images come from: the local image store, and — when one is configured — a registry.
 * The Dockerfile frontend asks for an image's configuration while it converts; the solver then
 * unpacks the very same image.
 */
public interface BaseImages {

  /**
   * The image named {@code name} for {@code platform}.
   *
   * @param pull resolve the name again at its origin even when a copy is present
   * @param registries this build's registry access (its credentials, its plain-http hosts)
   */
  Image resolve(String name, Platform platform, boolean pull, RegistryAccess registries)
      throws BuildFailedException, IOException;

  /**
   * The image named {@code name} for {@code platform}, with the digest the name resolved to: the
   * index of a multi-platform image, else the manifest (what BuildKit pins a FROM to).
   */
  default Pinned resolvePinned(
      String name, Platform platform, boolean pull, RegistryAccess registries)
      throws BuildFailedException, IOException {
    Image image = resolve(name, platform, pull, registries);
    return new Pinned(image.descriptor().digest(), image);
  }

  /**
   * The same, with the bytes of whatever is pulled for it counted in {@code transfers} (by default,
   * not counted).
   */
  default Pinned resolvePinned(
      String name,
      Platform platform,
      boolean pull,
      RegistryAccess registries,
      TransferScope transfers)
      throws BuildFailedException, IOException {
    return resolvePinned(name, platform, pull, registries);
  }

  /** An image and the digest its name resolved to. */
  record Pinned(Digest digest, Image image) {}
}
