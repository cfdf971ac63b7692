package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where an image annotation goes, as buildx's --annotation TYPE: prefix names it. */
public enum AnnotationLevel {
  @JsonProperty("manifest")
  MANIFEST,
  @JsonProperty("manifest-descriptor")
  MANIFEST_DESCRIPTOR,
  @JsonProperty("index")
  INDEX,
  @JsonProperty("index-descriptor")
  INDEX_DESCRIPTOR
}
