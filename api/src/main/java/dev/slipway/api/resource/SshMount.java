package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.SecretKeySelector;

/** An SSH agent a build may use. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SshMount {

  @Default("default")
  @Pattern("^[a-zA-Z0-9][a-zA-Z0-9._-]*$")
  @JsonPropertyDescription("The id that RUN --mount=type=ssh,id=ID names. Default \"default\".")
  private String id = "default";

  @JsonPropertyDescription(
      "Key of a Secret holding a private key without a passphrase (usually ssh-privatekey of a "
          + "kubernetes.io/ssh-auth Secret); the builder loads it into an ssh-agent that lives "
          + "as long as the build. Omit for client contexts to forward the CLI user's agent.")
  private SecretKeySelector secretRef;

  public String getId() {
    return id;
  }

  public void setId(String id) {
    this.id = id;
  }

  public SecretKeySelector getSecretRef() {
    return secretRef;
  }

  public void setSecretRef(SecretKeySelector secretRef) {
    this.secretRef = secretRef;
  }
}
