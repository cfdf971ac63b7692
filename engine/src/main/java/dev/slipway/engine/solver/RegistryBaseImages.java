package dev.slipway.engine.solver;

import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.Platform;
import dev.slipway.engine.image.Image;
import dev.slipway.engine.image.ImageStore;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.registry.ImageName;
import dev.slipway.engine.registry.RegistryAccess;
import dev.slipway.engine.registry.RegistryClient;
import dev.slipway.engine.registry.RegistryException;
import dev.slipway.session.BuildSession;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/**
 * Base images from the local store, pulled from their registry when missing (or when the build asks
 * to pull: then the manifest is resolved again and only blobs the store lacks are fetched).
 * Credentials come from the build's session — the client's machine, never the builder's disk.
 */
public final class RegistryBaseImages implements BaseImages {
  private final ImageStore images;
  private final RegistryClient registry;

  public RegistryBaseImages(ImageStore images, RegistryClient registry) {
    this.images = images;
    this.registry = registry;
  }

  @Override
  public Image resolve(
      String name,
      Platform platform,
      boolean pull,
      BuildSession session,
      Set<String> insecureRegistries)
      throws BuildFailedException, IOException {
    if (!pull) {
      Optional<Descriptor> local = images.lookup(name);
      if (local.isPresent()) {
        return images.resolve(local.get(), platform);
      }
    }
    ImageName ref;
    try {
      ref = ImageName.parse(name);
    } catch (IllegalArgumentException e) {
      throw BuildFailedException.of(ErrorKind.ERROR_KIND_INVALID_INPUT, e.getMessage());
    }
    try {
      Descriptor top =
          registry.pull(
              ref, platform, images.content(), RegistryAccess.of(session, insecureRegistries));
      images.tag(name, top);
      return images.resolve(top, platform);
    } catch (RegistryException e) {
      throw BuildFailedException.of(
          ErrorKind.ERROR_KIND_REGISTRY, "failed to resolve " + name + ": " + e.getMessage());
    }
  }
}
