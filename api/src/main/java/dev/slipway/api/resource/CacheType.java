package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Kind of external build cache. */
public enum CacheType {
  /** A cache image in a registry. */
  @JsonProperty("registry")
  REGISTRY,

  /** Cache metadata carried in the pushed image. */
  @JsonProperty("inline")
  INLINE,

  /** A directory on a volume. */
  @JsonProperty("local")
  LOCAL
}
