package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How much a provenance attestation says (buildx --provenance=mode=...). */
public enum ProvenanceMode {
  /** No provenance attestation. */
  @JsonProperty("disabled")
  DISABLED,

  /** The build's materials, builder and invocation, without the build arguments. */
  @JsonProperty("min")
  MIN,

  /** Also the build arguments (minus secrets), the build steps and the Dockerfile's source. */
  @JsonProperty("max")
  MAX
}
