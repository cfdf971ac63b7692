package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where the operator placed a build's latest attempt and why. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BuildPlacementStatus {

  /** A pod held some of the build's cache (context, Dockerfile, base images). */
  public static final String CACHE_AFFINITY = "CacheAffinity";

  /** No free pod held any of it: the least loaded one was chosen. */
  public static final String LEAST_LOADED = "LeastLoaded";

  @JsonPropertyDescription("The builder pod chosen for the latest attempt.")
  private String pod;

  @JsonPropertyDescription(
      "Why: CacheAffinity (the pod held some of the build's cache) or LeastLoaded (no free pod"
          + " did).")
  private String reason;

  @JsonPropertyDescription("What the chosen pod held, its score and the runner-up's, for people.")
  private String message;

  public BuildPlacementStatus() {}

  public BuildPlacementStatus(String pod, String reason, String message) {
    this.pod = pod;
    this.reason = reason;
    this.message = message;
  }

  public String getPod() {
    return pod;
  }

  public void setPod(String pod) {
    this.pod = pod;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }
}
