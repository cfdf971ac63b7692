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
  LOCAL;

  /** The value as written in YAML. */
  public String wireName() {
    try {
      return getDeclaringClass().getField(name()).getAnnotation(JsonProperty.class).value();
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(e);
    }
  }
}
