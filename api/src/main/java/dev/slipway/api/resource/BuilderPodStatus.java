package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One builder pod as the operator last saw it (from the pod and the builder's Info call). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BuilderPodStatus {

  @JsonPropertyDescription("Pod name.")
  private String name;

  @JsonPropertyDescription("host:port of the pod's Control service.")
  private String endpoint;

  @JsonPropertyDescription("Whether the pod is ready to take builds.")
  private Boolean ready;

  @JsonPropertyDescription(
      "Whether the pod is draining: it is being replaced or removed and finishes the builds it"
          + " runs, taking no new one.")
  private Boolean draining;

  @JsonPropertyDescription("Builds running on the pod.")
  private Integer activeBuilds;

  @JsonPropertyDescription("Builds the pod runs at the same time at most.")
  private Integer maxParallelBuilds;

  @JsonPropertyDescription("Bytes of build cache on the pod's volume.")
  private Long cacheBytes;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  public Boolean getReady() {
    return ready;
  }

  public void setReady(Boolean ready) {
    this.ready = ready;
  }

  public Boolean getDraining() {
    return draining;
  }

  public void setDraining(Boolean draining) {
    this.draining = draining;
  }

  public Integer getActiveBuilds() {
    return activeBuilds;
  }

  public void setActiveBuilds(Integer activeBuilds) {
    this.activeBuilds = activeBuilds;
  }

  public Integer getMaxParallelBuilds() {
    return maxParallelBuilds;
  }

  public void setMaxParallelBuilds(Integer maxParallelBuilds) {
    this.maxParallelBuilds = maxParallelBuilds;
  }

  public Long getCacheBytes() {
    return cacheBytes;
  }

  public void setCacheBytes(Long cacheBytes) {
    this.cacheBytes = cacheBytes;
  }
}
