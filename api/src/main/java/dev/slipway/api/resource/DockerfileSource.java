package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/** The Dockerfile of a build: a path in the context, or inline text. */
@ValidationRule(
    value = "!(has(self.path) && has(self.inline))",
    message = "dockerfile takes path or inline, not both")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DockerfileSource {

  @JsonPropertyDescription(
      "Path of the Dockerfile relative to the context root. Default \"Dockerfile\".")
  private String path;

  @JsonPropertyDescription("The Dockerfile itself.")
  private String inline;

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    this.path = path;
  }

  public String getInline() {
    return inline;
  }

  public void setInline(String inline) {
    this.inline = inline;
  }
}
