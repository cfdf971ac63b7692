package dev.slipway.engine.image;

/** Annotation keys that name images inside OCI layouts. */
public final class Annotations {
  private Annotations() {}

  /** The OCI layout's reference name (BuildKit and Docker write the tag, e.g. {@code latest}). */
  public static final String REF_NAME = "org.opencontainers.image.ref.name";

  /** The full image name containerd and Docker use when importing an OCI layout. */
  public static final String CONTAINERD_IMAGE_NAME = "io.containerd.image.name";
}
