package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.SecretKeySelector;

/** Signing of the pushed image in the cosign format, verifiable with cosign verify --key. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ImageSigning {

  @Required
  @JsonPropertyDescription(
      "Key of a Secret in the same namespace holding the private key: PEM, ECDSA P-256,"
          + " unencrypted (PKCS#8 or SEC1).")
  private SecretKeySelector keySecretRef;

  public SecretKeySelector getKeySecretRef() {
    return keySecretRef;
  }

  public void setKeySecretRef(SecretKeySelector keySecretRef) {
    this.keySecretRef = keySecretRef;
  }
}
