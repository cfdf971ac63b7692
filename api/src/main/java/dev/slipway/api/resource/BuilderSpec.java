package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import java.util.List;
import java.util.Map;

/** What a Builder should be: how many builder pods, on what, with how much cache. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BuilderSpec {

  /** What {@code drainGracePeriod} is when not set. */
  public static final String DEFAULT_DRAIN_GRACE_PERIOD = "30m";

  @SpecReplicas
  @Default("1")
  @Min(0)
  @Max(64)
  @JsonPropertyDescription(
      "Number of builder pods. Default 1; 0 keeps the Builder but stops its pods. With"
          + " autoscaling set, the operator writes it.")
  private Integer replicas = 1;

  @JsonPropertyDescription(
      "Size the pool from the queue: the operator then owns spec.replicas. Leave unset to"
          + " scale with kubectl scale, an HPA or KEDA (the scale subresource).")
  private BuilderAutoscaling autoscaling;

  @JsonPropertyDescription(
      "Container image of the builder pods. Default: the builder image the operator was installed"
          + " with (Helm value builder.image).")
  private String image;

  @JsonPropertyDescription("CPU and memory requests and limits of each builder pod.")
  private ResourceRequirements resources;

  @Default("2")
  @Min(1)
  @Max(64)
  @JsonPropertyDescription(
      "Builds one pod runs at the same time. Default 2; further BuildRequests wait in the queue.")
  private Integer maxParallelBuilds = 2;

  @JsonPropertyDescription("The build cache kept on a PersistentVolumeClaim per pod.")
  private BuilderCache cache;

  @Default("host")
  @JsonPropertyDescription(
      "Network of RUN steps: host (the pod's own network, the default; default means the same)"
          + " or none.")
  private NetworkMode network = NetworkMode.HOST;

  @Default("false")
  @JsonPropertyDescription(
      "Run builder pods in their node's network namespace, for clusters whose pods have no"
          + " network of their own. The builder then listens on the node's address (the pod IP)"
          + " and its loopback at spec.port, so at most one pod of this Builder fits on a node,"
          + " and RUN steps with network host see the node's network. Default false.")
  private Boolean hostNetwork = false;

  @Default("7777")
  @Min(1024)
  @Max(65535)
  @JsonPropertyDescription(
      "Port of the builder's Control and Session API. Default 7777; with hostNetwork, pick a"
          + " port that is free on the nodes.")
  private Integer port = SlipwayResources.BUILDER_PORT;

  @JsonPropertyDescription("Node labels the builder pods must run on.")
  private Map<String, String> nodeSelector;

  @JsonPropertyDescription("Tolerations of the builder pods.")
  private List<Toleration> tolerations;

  @JsonPropertyDescription("How builder pods reach registries.")
  private RegistrySettings registry;

  @JsonPropertyDescription(
      "Limits of one build on a builder pod: download size, archive expansion, log per step.")
  private BuilderLimits limits;

  @Default("false")
  @JsonPropertyDescription(
      "Let builds that ask for the security.insecure entitlement (BuildRequest"
          + " spec.entitlements, slipway build --allow) run RUN --security=insecure privileged:"
          + " every capability, no seccomp filter. Such a step is root on the builder pod and can"
          + " reach every other build on it; enable only for a Builder its users trust each other"
          + " on. Default false.")
  private Boolean allowInsecureEntitlement = false;

  @Default("30m")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription(
      "How long a builder pod that is being replaced (rolling update, node drain, eviction) or"
          + " scaled down may finish the builds it runs: it takes no new build, and builds still"
          + " running after this are cancelled and retried on another pod (spec.retries of the"
          + " BuildRequest). Whole hours, minutes and seconds: 30s, 5m, 1h, 1h30m. Default 30m.")
  private String drainGracePeriod = DEFAULT_DRAIN_GRACE_PERIOD;

  @JsonPropertyDescription(
      "Platforms the pods build under QEMU emulation besides their nodes' own, e.g."
          + " [linux/arm64]. The nodes need binfmt_misc handlers registered with the fix-binary"
          + " flag (Debian's qemu-user-static); a pod reports only those it finds.")
  @Size(max = 16)
  private List<@Pattern("^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$") String> emulatedPlatforms;

  public List<String> getEmulatedPlatforms() {
    return emulatedPlatforms;
  }

  public void setEmulatedPlatforms(List<String> emulatedPlatforms) {
    this.emulatedPlatforms = emulatedPlatforms;
  }

  public String getDrainGracePeriod() {
    return drainGracePeriod;
  }

  public void setDrainGracePeriod(String drainGracePeriod) {
    this.drainGracePeriod = drainGracePeriod;
  }

  public Boolean getAllowInsecureEntitlement() {
    return allowInsecureEntitlement;
  }

  public void setAllowInsecureEntitlement(Boolean allowInsecureEntitlement) {
    this.allowInsecureEntitlement = allowInsecureEntitlement;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public BuilderAutoscaling getAutoscaling() {
    return autoscaling;
  }

  public void setAutoscaling(BuilderAutoscaling autoscaling) {
    this.autoscaling = autoscaling;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }

  public Integer getMaxParallelBuilds() {
    return maxParallelBuilds;
  }

  public void setMaxParallelBuilds(Integer maxParallelBuilds) {
    this.maxParallelBuilds = maxParallelBuilds;
  }

  public BuilderCache getCache() {
    return cache;
  }

  public void setCache(BuilderCache cache) {
    this.cache = cache;
  }

  public Boolean getHostNetwork() {
    return hostNetwork;
  }

  public void setHostNetwork(Boolean hostNetwork) {
    this.hostNetwork = hostNetwork;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public NetworkMode getNetwork() {
    return network;
  }

  public void setNetwork(NetworkMode network) {
    this.network = network;
  }

  public Map<String, String> getNodeSelector() {
    return nodeSelector;
  }

  public void setNodeSelector(Map<String, String> nodeSelector) {
    this.nodeSelector = nodeSelector;
  }

  public List<Toleration> getTolerations() {
    return tolerations;
  }

  public void setTolerations(List<Toleration> tolerations) {
    this.tolerations = tolerations;
  }

  public RegistrySettings getRegistry() {
    return registry;
  }

  public void setRegistry(RegistrySettings registry) {
    this.registry = registry;
  }

  public BuilderLimits getLimits() {
    return limits;
  }

  public void setLimits(BuilderLimits limits) {
    this.limits = limits;
  }
}
