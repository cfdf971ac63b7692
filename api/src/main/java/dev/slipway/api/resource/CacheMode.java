package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Which steps an exported cache holds. */
public enum CacheMode {
  /** The layers of the final stage only. */
  @JsonProperty("min")
  MIN,

  /** Every step of every stage. */
  @JsonProperty("max")
  MAX
}
