package dev.slipway.engine.content;

/**
 * What one compression pass learned about a layer: the uncompressed digest (the image config's
 * diffID) and the digest and size of the compressed blob (the manifest's layer descriptor).
 */
public record CompressedLayer(
    String mediaType, Digest diffId, long uncompressedSize, Digest digest, long size) {

  public Descriptor descriptor() {
    return Descriptor.of(mediaType, digest, size);
  }
}
