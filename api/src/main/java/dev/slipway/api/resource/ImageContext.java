package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** The filesystem of an image or OCI artifact as build context. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ImageContext {

  @Required
  @JsonPropertyDescription("Image reference, e.g. registry.example.com/contexts/app:v1.")
  private String ref;

  @JsonPropertyDescription("Directory inside the image used as the context root. Default /.")
  private String path;

  public String getRef() {
    return ref;
  }

  public void setRef(String ref) {
    this.ref = ref;
  }

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    this.path = path;
  }
}
