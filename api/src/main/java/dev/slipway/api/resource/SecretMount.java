package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.SecretKeySelector;

/** A secret a build may mount. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretMount {

  @Required
  @Pattern("^[a-zA-Z0-9][a-zA-Z0-9._-]*$")
  @JsonPropertyDescription("The id that RUN --mount=type=secret,id=ID names.")
  private String id;

  @JsonPropertyDescription(
      "Key of a Secret in the same namespace holding the value. Omit for client "
          + "contexts to have the CLI serve it.")
  private SecretKeySelector secretKeyRef;

  public String getId() {
    return id;
  }

  public void setId(String id) {
    this.id = id;
  }

  public SecretKeySelector getSecretKeyRef() {
    return secretKeyRef;
  }

  public void setSecretKeyRef(SecretKeySelector secretKeyRef) {
    this.secretKeyRef = secretKeyRef;
  }
}
