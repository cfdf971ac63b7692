package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** How builder pods reach registries. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RegistrySettings {

  @JsonPropertyDescription(
      "Registry hosts (host or host:port) reached over plain http instead of https.")
  private List<String> insecureHosts;

  @JsonPropertyDescription(
      "Secret of type kubernetes.io/dockerconfigjson with credentials for pulls and pushes of"
          + " builds that carry none of their own.")
  private String authSecretName;

  public List<String> getInsecureHosts() {
    return insecureHosts;
  }

  public void setInsecureHosts(List<String> insecureHosts) {
    this.insecureHosts = insecureHosts;
  }

  public String getAuthSecretName() {
    return authSecretName;
  }

  public void setAuthSecretName(String authSecretName) {
    this.authSecretName = authSecretName;
  }
}
