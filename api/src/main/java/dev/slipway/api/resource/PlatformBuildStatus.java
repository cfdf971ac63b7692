package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One platform's part of a multi-platform build. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PlatformBuildStatus {

  @JsonPropertyDescription("os/arch[/variant]")
  private String platform;

  @JsonPropertyDescription("The Builder that builds this part.")
  private String builder;

  @JsonPropertyDescription("Whether that Builder builds it natively (else under emulation).")
  private Boolean nativeBuild;

  @JsonPropertyDescription(
      "The child BuildRequest of this part, when the build was split across Builders.")
  private String buildRequest;

  @JsonPropertyDescription("The part's phase.")
  private BuildPhase phase;

  @JsonPropertyDescription("Digest of this platform's image manifest, once built.")
  private String digest;

  @JsonPropertyDescription("Digest of its attestation manifest, when it has one.")
  private String attestationDigest;

  public String getPlatform() {
    return platform;
  }

  public void setPlatform(String platform) {
    this.platform = platform;
  }

  public String getBuilder() {
    return builder;
  }

  public void setBuilder(String builder) {
    this.builder = builder;
  }

  public Boolean getNativeBuild() {
    return nativeBuild;
  }

  public void setNativeBuild(Boolean nativeBuild) {
    this.nativeBuild = nativeBuild;
  }

  public String getBuildRequest() {
    return buildRequest;
  }

  public void setBuildRequest(String buildRequest) {
    this.buildRequest = buildRequest;
  }

  public BuildPhase getPhase() {
    return phase;
  }

  public void setPhase(BuildPhase phase) {
    this.phase = phase;
  }

  public String getDigest() {
    return digest;
  }

  public void setDigest(String digest) {
    this.digest = digest;
  }

  public String getAttestationDigest() {
    return attestationDigest;
  }

  public void setAttestationDigest(String attestationDigest) {
    this.attestationDigest = attestationDigest;
  }
}
