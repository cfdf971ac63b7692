package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;

/** What to build, from where, on which Builder, and where the result goes. */
@ValidationRule(
    value =
        "!has(self.secrets) || has(self.context.client) || self.secrets.all(s, has(s.secretKeyRef))",
    message =
        "secrets without secretKeyRef are served by the slipway CLI and need a client context; name a Kubernetes Secret in secretKeyRef")
@ValidationRule(
    value = "!has(self.ssh) || has(self.context.client) || self.ssh.all(s, has(s.secretRef))",
    message =
        "ssh entries without secretRef are served by the slipway CLI and need a client context; name a Kubernetes Secret in secretRef")
@ValidationRule(
    value =
        "has(self.context.client) || self.outputs.all(o, o.type == 'image' || has(o.volumeClaimName))",
    message =
        "oci, docker, local and tar outputs need volumeClaimName unless the context is a client context (then they go back to the client)")
@ValidationRule(
    value =
        "!has(self.buildContexts) || has(self.context.client) || self.buildContexts.all(k, !has(self.buildContexts[k].client))",
    message =
        "buildContexts[].client is served by the slipway CLI and needs a client context; name an image, git or url instead")
@ValidationRule(
    value =
        "!has(self.buildContexts) || self.buildContexts.all(k, k.matches('^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$'))",
    message =
        "buildContexts keys are image names as FROM writes them (lower case, e.g. base or registry.example.com/base:1): no upper case, spaces, '=' or '..'")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BuildRequestSpec {

  @Required
  @JsonPropertyDescription("The Builder (in the same namespace) whose pods run the build.")
  private BuilderReference builderRef;

  @Required
  @JsonPropertyDescription(
      "Where the build context comes from: exactly one of git, http, configMap, image "
          + "or client.")
  private BuildContextSource context;

  @JsonPropertyDescription(
      "The Dockerfile: a path in the context (default \"Dockerfile\") or inline text.")
  private DockerfileSource dockerfile;

  @Pattern("^[a-zA-Z][a-zA-Z0-9_.-]*$")
  @JsonPropertyDescription("Stage to build (docker build --target). Default: the last stage.")
  private String target;

  @JsonPropertyDescription("Build arguments (docker build --build-arg).")
  private Map<String, String> buildArgs;

  @JsonPropertyDescription("Labels added to the image.")
  private Map<String, String> labels;

  // A pattern per item rather than a CEL rule over the list: the API server refuses CEL rules
  // whose estimated cost over unbounded strings exceeds its budget.
  @JsonPropertyDescription(
      "Target platforms as os/arch[/variant], e.g. linux/amd64. Default: the builder's own"
          + " platform.")
  @Size(max = 16)
  private List<@Pattern("^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$") String> platforms;

  @JsonPropertyDescription(
      "Secrets that RUN --mount=type=secret,id=ID may read. Each comes from a "
          + "Kubernetes Secret (secretKeyRef) or, for client contexts, from the slipway CLI "
          + "that submitted the build.")
  @Size(max = 64)
  private List<SecretMount> secrets;

  @JsonPropertyDescription(
      "SSH agents that RUN --mount=type=ssh,id=ID may use, from Secrets holding private "
          + "keys (or, for client contexts, the CLI user's agent).")
  @Size(max = 16)
  private List<SshMount> ssh;

  @Required
  @Size(min = 1, max = 16)
  @JsonPropertyDescription("Where the result goes; at least one.")
  private List<BuildOutput> outputs;

  @JsonPropertyDescription("External caches to import (docker buildx build --cache-from).")
  @Size(max = 16)
  private List<CacheSource> cacheFrom;

  @JsonPropertyDescription("External caches to export to (docker buildx build --cache-to).")
  @Size(max = 16)
  private List<CacheSource> cacheTo;

  @Default("false")
  @JsonPropertyDescription("Do not use the cache for any step.")
  private Boolean noCache = false;

  @JsonPropertyDescription("Stages that do not use the cache.")
  @Size(max = 64)
  private List<String> noCacheFilter;

  @Default("false")
  @JsonPropertyDescription("Resolve base image tags again even when cached.")
  private Boolean pull = false;

  @JsonPropertyDescription(
      "Network of RUN steps: default (the Builder's, also when unset), host or none.")
  private NetworkMode network;

  @JsonPropertyDescription("Extra /etc/hosts entries of RUN steps (docker build --add-host).")
  @Size(max = 64)
  private List<ExtraHost> extraHosts;

  @JsonPropertyDescription(
      "Entitlements the build asks for (docker buildx build --allow): security.insecure lets"
          + " RUN --security=insecure run privileged, only on a Builder with"
          + " spec.allowInsecureEntitlement.")
  @Size(max = 8)
  private List<String> entitlements;

  @Min(0)
  @JsonPropertyDescription(
      "Size of /dev/shm in RUN steps, in bytes (docker buildx build --shm-size); unset: 64 MiB.")
  private Long shmSizeBytes;

  @JsonPropertyDescription("Resource limits of RUN processes (docker buildx build --ulimit).")
  @Size(max = 16)
  private List<RunUlimit> ulimits;

  @JsonPropertyDescription("Annotations of the exported image (docker buildx build --annotation).")
  @Size(max = 64)
  private List<ImageAnnotation> annotations;

  @JsonPropertyDescription(
      "Named contexts (docker buildx build --build-context): FROM NAME, COPY --from=NAME and"
          + " RUN --mount=from=NAME read one instead of an image of that name; one named like a"
          + " stage replaces that stage. Each is exactly one of image, git or url.")
  @Size(max = 32)
  private Map<String, NamedBuildContext> buildContexts;

  @Default("3600")
  @Min(1)
  @JsonPropertyDescription("Fail the build after this many seconds. Default 3600.")
  private Long timeoutSeconds = 3600L;

  @Min(0)
  @JsonPropertyDescription(
      "Delete the BuildRequest this many seconds after it finished. Default: keep it.")
  private Integer ttlSecondsAfterFinished;

  @Default("2")
  @Min(0)
  @Max(10)
  @JsonPropertyDescription(
      "Times the build is started again when its builder pod is lost mid-build. Default " + "2.")
  private Integer retries = 2;

  @Default("false")
  @JsonPropertyDescription("Set to true to cancel the build.")
  private Boolean cancel = false;

  @JsonPropertyDescription(
      "SBOM and provenance attestations of the image (docker buildx build --sbom, --provenance).")
  private BuildAttestations attestations;

  @JsonPropertyDescription(
      "Sign the pushed image (and each platform's) in the cosign format with a key from a Secret.")
  private ImageSigning signing;

  public BuilderReference getBuilderRef() {
    return builderRef;
  }

  public void setBuilderRef(BuilderReference builderRef) {
    this.builderRef = builderRef;
  }

  public BuildContextSource getContext() {
    return context;
  }

  public void setContext(BuildContextSource context) {
    this.context = context;
  }

  public DockerfileSource getDockerfile() {
    return dockerfile;
  }

  public void setDockerfile(DockerfileSource dockerfile) {
    this.dockerfile = dockerfile;
  }

  public String getTarget() {
    return target;
  }

  public void setTarget(String target) {
    this.target = target;
  }

  public Map<String, String> getBuildArgs() {
    return buildArgs;
  }

  public void setBuildArgs(Map<String, String> buildArgs) {
    this.buildArgs = buildArgs;
  }

  public Map<String, String> getLabels() {
    return labels;
  }

  public void setLabels(Map<String, String> labels) {
    this.labels = labels;
  }

  public List<String> getPlatforms() {
    return platforms;
  }

  public void setPlatforms(List<String> platforms) {
    this.platforms = platforms;
  }

  public List<SecretMount> getSecrets() {
    return secrets;
  }

  public void setSecrets(List<SecretMount> secrets) {
    this.secrets = secrets;
  }

  public List<SshMount> getSsh() {
    return ssh;
  }

  public void setSsh(List<SshMount> ssh) {
    this.ssh = ssh;
  }

  public List<BuildOutput> getOutputs() {
    return outputs;
  }

  public void setOutputs(List<BuildOutput> outputs) {
    this.outputs = outputs;
  }

  public List<CacheSource> getCacheFrom() {
    return cacheFrom;
  }

  public void setCacheFrom(List<CacheSource> cacheFrom) {
    this.cacheFrom = cacheFrom;
  }

  public List<CacheSource> getCacheTo() {
    return cacheTo;
  }

  public void setCacheTo(List<CacheSource> cacheTo) {
    this.cacheTo = cacheTo;
  }

  public Boolean getNoCache() {
    return noCache;
  }

  public void setNoCache(Boolean noCache) {
    this.noCache = noCache;
  }

  public List<String> getNoCacheFilter() {
    return noCacheFilter;
  }

  public void setNoCacheFilter(List<String> noCacheFilter) {
    this.noCacheFilter = noCacheFilter;
  }

  public Boolean getPull() {
    return pull;
  }

  public void setPull(Boolean pull) {
    this.pull = pull;
  }

  public NetworkMode getNetwork() {
    return network;
  }

  public void setNetwork(NetworkMode network) {
    this.network = network;
  }

  public List<ExtraHost> getExtraHosts() {
    return extraHosts;
  }

  public void setExtraHosts(List<ExtraHost> extraHosts) {
    this.extraHosts = extraHosts;
  }

  public Map<String, NamedBuildContext> getBuildContexts() {
    return buildContexts;
  }

  public void setBuildContexts(Map<String, NamedBuildContext> buildContexts) {
    this.buildContexts = buildContexts;
  }

  public List<String> getEntitlements() {
    return entitlements;
  }

  public void setEntitlements(List<String> entitlements) {
    this.entitlements = entitlements;
  }

  public Long getTimeoutSeconds() {
    return timeoutSeconds;
  }

  public void setTimeoutSeconds(Long timeoutSeconds) {
    this.timeoutSeconds = timeoutSeconds;
  }

  public Integer getTtlSecondsAfterFinished() {
    return ttlSecondsAfterFinished;
  }

  public void setTtlSecondsAfterFinished(Integer ttlSecondsAfterFinished) {
    this.ttlSecondsAfterFinished = ttlSecondsAfterFinished;
  }

  public Integer getRetries() {
    return retries;
  }

  public void setRetries(Integer retries) {
    this.retries = retries;
  }

  public Boolean getCancel() {
    return cancel;
  }

  public void setCancel(Boolean cancel) {
    this.cancel = cancel;
  }

  public BuildAttestations getAttestations() {
    return attestations;
  }

  public void setAttestations(BuildAttestations attestations) {
    this.attestations = attestations;
  }

  public ImageSigning getSigning() {
    return signing;
  }

  public void setSigning(ImageSigning signing) {
    this.signing = signing;
  }

  public Long getShmSizeBytes() {
    return shmSizeBytes;
  }

  public void setShmSizeBytes(Long shmSizeBytes) {
    this.shmSizeBytes = shmSizeBytes;
  }

  public List<RunUlimit> getUlimits() {
    return ulimits;
  }

  public void setUlimits(List<RunUlimit> ulimits) {
    this.ulimits = ulimits;
  }

  public List<ImageAnnotation> getAnnotations() {
    return annotations;
  }

  public void setAnnotations(List<ImageAnnotation> annotations) {
    this.annotations = annotations;
  }
}
