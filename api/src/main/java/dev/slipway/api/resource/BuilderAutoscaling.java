package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * How the operator sizes a Builder's pool from its queue. When set, the operator owns
 * spec.replicas; leave it unset to size the pool yourself or with an HPA or KEDA through the scale
 * subresource.
 */
@ValidationRule(
    value = "self.maxReplicas >= self.minReplicas",
    message = "autoscaling.maxReplicas must be at least autoscaling.minReplicas")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BuilderAutoscaling {

  @Required
  @Min(0)
  @Max(64)
  @JsonPropertyDescription(
      "Fewest builder pods. 0 lets an idle Builder stop all its pods; the next BuildRequest then"
          + " waits in phase WaitingForPod while a pod starts.")
  private Integer minReplicas;

  @Required
  @Min(1)
  @Max(64)
  @JsonPropertyDescription("Most builder pods; at least minReplicas.")
  private Integer maxReplicas;

  @Default("2")
  @Min(1)
  @JsonPropertyDescription(
      "Builds (running or waiting) one pod should have: the operator wants ceil(builds /"
          + " targetQueuedPerReplica) pods, between minReplicas and maxReplicas. Default 2.")
  private Integer targetQueuedPerReplica = 2;

  @Default("5m")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription(
      "How long fewer pods must have been enough before the pool shrinks, e.g. 30s, 5m, 1h30m."
          + " A pod to be removed first takes no new build and finishes its running ones."
          + " Default 5m.")
  private String scaleDownDelay = "5m";

  public Integer getMinReplicas() {
    return minReplicas;
  }

  public void setMinReplicas(Integer minReplicas) {
    this.minReplicas = minReplicas;
  }

  public Integer getMaxReplicas() {
    return maxReplicas;
  }

  public void setMaxReplicas(Integer maxReplicas) {
    this.maxReplicas = maxReplicas;
  }

  public Integer getTargetQueuedPerReplica() {
    return targetQueuedPerReplica;
  }

  public void setTargetQueuedPerReplica(Integer targetQueuedPerReplica) {
    this.targetQueuedPerReplica = targetQueuedPerReplica;
  }

  public String getScaleDownDelay() {
    return scaleDownDelay;
  }

  public void setScaleDownDelay(String scaleDownDelay) {
    this.scaleDownDelay = scaleDownDelay;
  }
}
