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
  UNCOMPRESSED
}
