package dev.slipway.engine.image;

import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.Platform;
import java.util.List;

/**
 * A single-platform image as stored: the manifest's descriptor, the manifest and the parsed config.
 * The config's exact bytes stay in the content store under {@code manifest.config().digest()}.
 */
public record Image(Descriptor descriptor, Manifest manifest, ImageConfig config) {

  /** The layer blobs, bottom first. */
  public List<Descriptor> layers() {
    return manifest.layers();
  }

  public Descriptor configDescriptor() {
    return manifest.config();
  }

  public Platform platform() {
    return config.platform();
  }
}
