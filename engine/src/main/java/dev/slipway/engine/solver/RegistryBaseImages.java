package dev.slipway.engine.solver;

import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.engine.content.BlobNotFoundException;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.content.MediaTypes;
import dev.slipway.engine.content.Platform;
import dev.slipway.engine.image.Image;
import dev.slipway.engine.image.ImageOrigin;
import dev.slipway.engine.image.ImageStore;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.job.TransferScope;
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
 * credentials, or built, serves this build only after a HEAD with this build's own credentials
 * resolves the name to that very digest (as BuildKit resolves every base image with the session's
 * credentials); when the registry says otherwise its image is pulled instead, so another build's
 * output can never stand in for a base image. Imported names and anonymously pulled ones are public
 * to every build.
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
    return resolvePinned(name, platform, pull, registries).image();
  }

  @Override
  public Pinned resolvePinned(
      String name, Platform platform, boolean pull, RegistryAccess registries)
      throws BuildFailedException, IOException {
    return resolvePinned(name, platform, pull, registries, TransferScope.NONE);
  }

  @Override
  public Pinned resolvePinned(
      String name,
      Platform platform,
      boolean pull,
      RegistryAccess registries,
      TransferScope transfers)
      throws BuildFailedException, IOException {
    Optional<ImageStore.Named> local = pull ? Optional.empty() : images.lookupNamed(name);
    if (local.isPresent() && !complete(local.get().target(), platform)) {
      local = Optional.empty(); // an index pulled for another platform: pull this one's image
    }
    if (local.isPresent() && local.get().usableWithoutCheckBy(registries.owner())) {
      return pinned(local.get().target(), platform);
    }
    ImageName ref = parse(name);
    try {
      if (local.isPresent()) {
        if (resolveDigest(name, ref, registries).equals(local.get().target().digest())) {
          return pinned(local.get().target(), platform);
        }
        // the tag moved, or another build named its own output so: take what the registry has
      }
      Descriptor top = registry.pull(ref, platform, images.content(), registries, transfers);
      images.tag(
          name,
          top,
          registries.hasCredentials(ref.registry())
              ? ImageOrigin.PULLED_WITH_CREDENTIALS
              : ImageOrigin.PULLED_ANONYMOUSLY,
          registries.owner());
      return pinned(top, platform);
    } catch (RegistryException e) {
      throw BuildFailedException.of(
          ErrorKind.ERROR_KIND_REGISTRY, "failed to resolve " + name + ": " + e.getMessage());
    }
  }

  /**
   * Whether the store holds {@code platform}'s whole image under {@code top}: a multi-platform
   * index is stored with the images of the platforms pulled so far only.
   */
  private boolean complete(Descriptor top, Platform platform) throws IOException {
    if (!MediaTypes.isIndex(top.mediaType())) {
      return true;
    }
    Image image;
    try {
      image = images.resolve(top, platform);
    } catch (BlobNotFoundException e) {
      return false;
    }
    if (!images.content().exists(image.configDescriptor().digest())) {
      return false;
    }
    for (Descriptor layer : image.layers()) {
      if (!images.content().exists(layer.digest())
          && !MediaTypes.isForeignLayer(layer.mediaType())) {
        return false;
      }
    }
    return true;
  }

  private Pinned pinned(Descriptor top, Platform platform) throws IOException {
    return new Pinned(top.digest(), images.resolve(top, platform));
  }

  /** What the registry says the name is for this build; refuses another build's copy otherwise. */
  private Digest resolveDigest(String name, ImageName ref, RegistryAccess registries)
      throws BuildFailedException, IOException {
    try {
      return registry.resolveDigest(ref, registries);
    } catch (RegistryException e) {
      throw BuildFailedException.of(
          ErrorKind.ERROR_KIND_REGISTRY,
          "failed to resolve "
              + name
              + ": "
              + e.getMessage()
              + " (this builder's copy came from another build; a build uses it only once the"
              + " registry shows that this build may read it)");
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
