package dev.slipway.engine.content;

import java.io.IOException;

/** A blob that the content store does not hold. */
public final class BlobNotFoundException extends IOException {
  private final transient Digest digest;

  public BlobNotFoundException(Digest digest, String where) {
    super(
        "blob "
            + digest
            + " not found in "
            + where
            + ": import or pull the image that contains it, or rebuild without a stale cache");
    this.digest = digest;
  }

  public Digest digest() {
    return digest;
  }
}
