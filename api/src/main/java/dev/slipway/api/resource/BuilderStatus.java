package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed of a Builder. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BuilderStatus {

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @StatusReplicas
  @JsonPropertyDescription("Builder pods that exist.")
  private Integer replicas;

  @JsonPropertyDescription(
      "Builder pods the autoscaler wants for the queue now (spec.autoscaling); it lowers"
          + " spec.replicas to this only after scaleDownDelay and once the pods to go are drained.")
  private Integer desiredReplicas;

  @JsonPropertyDescription("Builder pods that are ready to take builds.")
  private Integer readyReplicas;

  @LabelSelector
  @JsonPropertyDescription("Label selector of the builder pods (for the scale subresource).")
  private String selector;

  @JsonPropertyDescription("Each builder pod: address, load and cache use.")
  private List<BuilderPodStatus> pods = new ArrayList<>();

  @JsonPropertyDescription("Standard conditions: Ready, Progressing, Degraded.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription(
      "The platform the ready pods build natively: their nodes' kubernetes.io/os and"
          + " kubernetes.io/arch (or slipway.dev/arch), when all of them share it; kept from the"
          + " last report while no pod is ready.")
  private List<String> nativePlatforms;

  @JsonPropertyDescription(
      "Platforms of spec.emulatedPlatforms that every ready pod reports it can run.")
  private List<String> emulatedPlatforms;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Integer getDesiredReplicas() {
    return desiredReplicas;
  }

  public void setDesiredReplicas(Integer desiredReplicas) {
    this.desiredReplicas = desiredReplicas;
  }

  public Integer getReadyReplicas() {
    return readyReplicas;
  }

  public void setReadyReplicas(Integer readyReplicas) {
    this.readyReplicas = readyReplicas;
  }

  public String getSelector() {
    return selector;
  }

  public void setSelector(String selector) {
    this.selector = selector;
  }

  public List<BuilderPodStatus> getPods() {
    return pods;
  }

  public void setPods(List<BuilderPodStatus> pods) {
    this.pods = pods;
  }

  public List<String> getNativePlatforms() {
    return nativePlatforms;
  }

  public void setNativePlatforms(List<String> nativePlatforms) {
    this.nativePlatforms = nativePlatforms;
  }

  public List<String> getEmulatedPlatforms() {
    return emulatedPlatforms;
  }

  public void setEmulatedPlatforms(List<String> emulatedPlatforms) {
    this.emulatedPlatforms = emulatedPlatforms;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }
}
