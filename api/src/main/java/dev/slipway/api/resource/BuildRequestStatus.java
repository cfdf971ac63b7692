package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What happened to a BuildRequest. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BuildRequestStatus {

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Pending, Queued, Running, Succeeded, Failed or Cancelled.")
  private BuildPhase phase;

  @JsonPropertyDescription("What is happening or went wrong, for people.")
  private String message;

  @JsonPropertyDescription("The builder pod that runs (or ran) the build.")
  private String builderPod;

  @JsonPropertyDescription(
      "Where the finished build's history (steps, cache hits, error, full log) is kept:"
          + " BUILDER-POD/BUILD-ID. `slipway history inspect` and `slipway history logs` read it.")
  private String historyRef;

  @JsonPropertyDescription("Where the latest attempt was placed and why.")
  private BuildPlacementStatus placement;

  @JsonPropertyDescription("The build's id on the builder pod.")
  private String buildId;

  @JsonPropertyDescription(
      "The Secret in this namespace that holds the credential for this build's session (a grant"
          + " for this build id only, and the builder's CA certificate); the slipway CLI reads it.")
  private String sessionSecret;

  @JsonPropertyDescription("Place in the Builder's queue while Queued (1 is next).")
  private Integer queuePosition;

  @JsonPropertyDescription("Times the build was started.")
  private Integer attempts;

  @JsonPropertyDescription("When the build started running (RFC 3339).")
  private String startTime;

  @JsonPropertyDescription("When the build finished (RFC 3339).")
  private String completionTime;

  @JsonPropertyDescription("Step counts of the running or finished build.")
  private BuildSteps steps;

  @JsonPropertyDescription("The result of a Succeeded build.")
  private BuildResultStatus result;

  @JsonPropertyDescription(
      "Each platform's part of a multi-platform build: where it is built and its image digest."
          + " result.digest is then the digest of the image index.")
  private List<PlatformBuildStatus> platforms;

  @JsonPropertyDescription(
      "Standard conditions: Succeeded (Unknown until the build ends, then True, or False with the"
          + " ending's reason; False also while the request is Invalid; kubectl wait"
          + " --for=condition=Succeeded), Scheduled, Running, Complete.")
  private List<Condition> conditions = new ArrayList<>();

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public BuildPhase getPhase() {
    return phase;
  }

  public void setPhase(BuildPhase phase) {
    this.phase = phase;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public String getSessionSecret() {
    return sessionSecret;
  }

  public void setSessionSecret(String sessionSecret) {
    this.sessionSecret = sessionSecret;
  }

  public String getBuilderPod() {
    return builderPod;
  }

  public void setBuilderPod(String builderPod) {
    this.builderPod = builderPod;
  }

  public BuildPlacementStatus getPlacement() {
    return placement;
  }

  public void setPlacement(BuildPlacementStatus placement) {
    this.placement = placement;
  }

  public String getHistoryRef() {
    return historyRef;
  }

  public void setHistoryRef(String historyRef) {
    this.historyRef = historyRef;
  }

  public String getBuildId() {
    return buildId;
  }

  public void setBuildId(String buildId) {
    this.buildId = buildId;
  }

  public Integer getQueuePosition() {
    return queuePosition;
  }

  public void setQueuePosition(Integer queuePosition) {
    this.queuePosition = queuePosition;
  }

  public Integer getAttempts() {
    return attempts;
  }

  public void setAttempts(Integer attempts) {
    this.attempts = attempts;
  }

  public String getStartTime() {
    return startTime;
  }

  public void setStartTime(String startTime) {
    this.startTime = startTime;
  }

  public String getCompletionTime() {
    return completionTime;
  }

  public void setCompletionTime(String completionTime) {
    this.completionTime = completionTime;
  }

  public BuildSteps getSteps() {
    return steps;
  }

  public void setSteps(BuildSteps steps) {
    this.steps = steps;
  }

  public BuildResultStatus getResult() {
    return result;
  }

  public void setResult(BuildResultStatus result) {
    this.result = result;
  }

  public List<PlatformBuildStatus> getPlatforms() {
    return platforms;
  }

  public void setPlatforms(List<PlatformBuildStatus> platforms) {
    this.platforms = platforms;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }
}
