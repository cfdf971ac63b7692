package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** The files of a ConfigMap as build context (keys are file names). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ConfigMapContext {

  @Required
  @JsonPropertyDescription("Name of the ConfigMap.")
  private String name;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }
}
