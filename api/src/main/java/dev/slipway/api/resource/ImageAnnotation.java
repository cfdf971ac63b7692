package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One annotation of the exported image (docker buildx build --annotation [LEVEL:]KEY=VALUE). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ImageAnnotation {

  @JsonPropertyDescription(
      "Where it goes: manifest (default), manifest-descriptor, index or index-descriptor.")
  private AnnotationLevel level;

  @Required
  @Size(max = 256)
  @JsonPropertyDescription("Annotation key, e.g. org.opencontainers.image.source.")
  private String key;

  @Size(max = 8192)
  @JsonPropertyDescription("Annotation value.")
  private String value;

  public ImageAnnotation() {}

  public ImageAnnotation(AnnotationLevel level, String key, String value) {
    this.level = level;
    this.key = key;
    this.value = value;
  }

  public AnnotationLevel getLevel() {
    return level;
  }

  public void setLevel(AnnotationLevel level) {
    this.level = level;
  }

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }

  public String getValue() {
    return value;
  }

  public void setValue(String value) {
    this.value = value;
  }
}
