package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Network of RUN steps. */
public enum NetworkMode {
  /**
   * Whatever the level above chooses (docker build --network default): a BuildRequest gets its
   * Builder's network, a Builder the pod's own (host).
   */
  @JsonProperty("default")
  DEFAULT,
  /** The builder pod's own network. */
  @JsonProperty("host")
  HOST,
  /** Loopback only. */
  @JsonProperty("none")
  NONE
}
