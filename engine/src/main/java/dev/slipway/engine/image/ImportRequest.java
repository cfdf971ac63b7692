package dev.slipway.engine.image;

import dev.slipway.engine.content.Platform;

/**
 * What to take from an image archive and what to call it.
 *
 * @param reference which image of a multi-image archive: a RepoTag of a docker archive, or the
 *     {@code org.opencontainers.image.ref.name} / {@code io.containerd.image.name} of an OCI
 *     layout; null when the archive holds one image
 * @param platform the platform to select from a multi-platform index; null means the host's, and a
 *     single-platform image is then accepted whatever its platform
 * @param name the local name to store the image under; null keeps the archive's own names
 */
public record ImportRequest(String reference, Platform platform, String name) {

  /** Take the only image of the archive, for the host platform, under the archive's names. */
  public static ImportRequest any() {
    return new ImportRequest(null, null, null);
  }

  public ImportRequest withName(String v) {
    return new ImportRequest(reference, platform, v);
  }

  public ImportRequest withPlatform(Platform v) {
    return new ImportRequest(reference, v, name);
  }

  public ImportRequest withReference(String v) {
    return new ImportRequest(v, platform, name);
  }
}
