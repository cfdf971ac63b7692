package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/**
 * Supply-chain attestations of the image (buildx --sbom, --provenance), stored as attestation
 * manifests in its index as BuildKit stores them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BuildAttestations {

  @Default("false")
  @JsonPropertyDescription(
      "Attach an SPDX SBOM of each platform image: its dpkg, apk and rpm packages and the"
          + " language lock files found in it.")
  private Boolean sbom = false;

  @Default("disabled")
  @JsonPropertyDescription(
      "Attach a SLSA v1 provenance statement: disabled, min (materials, builder, invocation) or"
          + " max (also build arguments minus secrets, and the build steps).")
  private ProvenanceMode provenance = ProvenanceMode.DISABLED;

  public Boolean getSbom() {
    return sbom;
  }

  public void setSbom(Boolean sbom) {
    this.sbom = sbom;
  }

  public ProvenanceMode getProvenance() {
    return provenance;
  }

  public void setProvenance(ProvenanceMode provenance) {
    this.provenance = provenance;
  }
}
