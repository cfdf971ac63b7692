package dev.slipway.engine.solver;

import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.Platform;
import dev.slipway.engine.image.Image;
import dev.slipway.engine.image.ImageOrigin;
import dev.slipway.engine.image.ImageStore;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.registry.ImageName;
import dev.slipway.engine.registry.RegistryAccess;
import dev.slipway.engine.registry.RegistryClient;
import dev.slipway.engine.registry.RegistryException;
import java.io.IOException;
import java.util.Optional;

/**
 * Base images from the local store, pulled from their registry when missing (or when the build asks
 * to pull: then the manifest is resolved again and only blobs the store lacks are fetched).
 * Credentials come from the build's session — the client's machine, never the builder's disk.
 *
 * <p>The store is shared by every build on the engine, so a name another build pulled with its
 * credentials, or built, serves this build only after this build's own credentials have read that
 * very manifest from the registry (as BuildKit resolves every base image with the session's
 * credentials); imported names and anonymously pulled ones are public to every build.
 */
public final class RegistryBaseImages implements BaseImages {
  private final ImageStore images;
  private final RegistryClient registry;

  public RegistryBaseImages(ImageStore images, RegistryClient registry) {
    this.images = images;
    this.registry = registry;
  }

  @Override
  public Image resolve(String name, Platform platform, boolean pull, RegistryAccess registries)
      throws BuildFailedException, IOException {
    if (!pull) {
      Optional<ImageStore.Named> local = images.lookupNamed(name);
      if (local.isPresent()) {
        if (!local.get().origin().sharedWithEveryBuild()) {
          confirmReadable(name, local.get(), registries);
        }
        return images.resolve(local.get().target(), platform);
      }
    }
    ImageName ref = parse(name);
    try {
      Descriptor top = registry.pull(ref, platform, images.content(), registries);
      images.tag(
          name,
          top,
          registries.hasCredentials(ref.registry())
              ? ImageOrigin.PULLED_WITH_CREDENTIALS
              : ImageOrigin.PULLED_ANONYMOUSLY);
      return images.resolve(top, platform);
    } catch (RegistryException e) {
      throw BuildFailedException.of(
          ErrorKind.ERROR_KIND_REGISTRY, "failed to resolve " + name + ": " + e.getMessage());
    }
  }

  /** Refuses another build's private copy unless the registry lets this build read it too. */
  private void confirmReadable(String name, ImageStore.Named local, RegistryAccess registries)
      throws BuildFailedException, IOException {
    ImageName ref = parse(name);
    try {
      registry.confirmReadable(ref, local.target().digest(), registries);
    } catch (RegistryException e) {
      String why =
          local.origin() == ImageOrigin.BUILT
              ? "another build built it here; push it to "
                  + ref.registry()
                  + " and this build may use it once the registry lets it read it"
              : "another build pulled it with its own credentials; this build may use it only"
                  + " once the registry lets this build read it";
      throw BuildFailedException.of(
          ErrorKind.ERROR_KIND_REGISTRY,
          "failed to resolve " + name + ": " + e.getMessage() + " (" + why + ")");
    }
  }

  private static ImageName parse(String name) throws BuildFailedException {
    try {
      return ImageName.parse(name);
    } catch (IllegalArgumentException e) {
      throw BuildFailedException.of(ErrorKind.ERROR_KIND_INVALID_INPUT, e.getMessage());
    }
  }
}
