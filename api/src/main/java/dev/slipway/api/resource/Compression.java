package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Compression of image layers. */
public enum Compression {
  /** gzip, compressed on all cores. */
  @JsonProperty("gzip")
  GZIP,

  /** zstd. */
  @JsonProperty("zstd")
  ZSTD,

  /** No compression. */
  @JsonProperty("uncompressed")
  UNCOMPRESSED;

  /** The value as written in YAML. */
  public String wireName() {
    try {
      return getDeclaringClass().getField(name()).getAnnotation(JsonProperty.class).value();
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(e);
    }
  }
}
