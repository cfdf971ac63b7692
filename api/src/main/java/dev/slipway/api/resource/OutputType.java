package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Kind of build output. */
public enum OutputType {
  /** An image pushed to (or kept for) a registry. */
  @JsonProperty("image")
  IMAGE,

  /** An OCI image layout tar. */
  @JsonProperty("oci")
  OCI,

  /** A tar that docker load accepts. */
  @JsonProperty("docker")
  DOCKER,

  /** The root filesystem as files. */
  @JsonProperty("local")
  LOCAL,

  /** The root filesystem as one tar. */
  @JsonProperty("tar")
  TAR
}
