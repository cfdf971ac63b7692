package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Network of RUN steps. */
public enum NetworkMode {
  /** The builder pod's own network. */
  @JsonProperty("host")
  HOST,
  /** Loopback only. */
  @JsonProperty("none")
  NONE
}
