package dev.slipway.engine.frontend.dockerfile.conversion;

import dev.slipway.api.Dockerfiles;
import dev.slipway.engine.content.Platform;
import dev.slipway.engine.exec.ExecLimits;
import dev.slipway.engine.exec.HostEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The inputs of a Dockerfile conversion.
 *
 * @param dockerfile the Dockerfile text
 * @param fileName how errors name the file (e.g. {@code Dockerfile})
 * @param ignorePatterns the context's .dockerignore patterns ({@link
 *     dev.slipway.engine.frontend.dockerfile.dockerignore.DockerIgnore#parse})
 * @param target the stage to build, or null for the last one
 * @param labels extra labels for the image
 * @param noCache ignore every cached result
 * @param noCacheStages stages whose results must not come from the cache
 * @param extraHosts extra /etc/hosts entries of RUN steps
 * @param insecure whether {@code RUN --security=insecure} may run privileged
 * @param networkHost the request carries the {@code network.host} entitlement, which {@code RUN
 *     --network=host} needs as it does on BuildKit
 * @param execLimits /dev/shm size and rlimits of every RUN step (--shm-size, --ulimit)
 * @param namedContexts named contexts by their {@link ContextName#familiar} name
 * @param platformSteps name each step with its stage's platform ({@code [linux/arm64 stage-0
 *     1/2]}), as BuildKit does when a build has several platforms
 */
public record ConvertRequest(
    String dockerfile,
    String fileName,
    List<String> ignorePatterns,
    Map<String, String> buildArgs,
    String target,
    Platform targetPlatform,
    Platform buildPlatform,
    Map<String, String> labels,
    boolean noCache,
    Set<String> noCacheStages,
    List<HostEntry> extraHosts,
    InsecureEntitlement insecure,
    boolean networkHost,
    ExecLimits execLimits,
    Map<String, NamedSource> namedContexts,
    ImageMetadataResolver resolver,
    boolean platformSteps) {

  public ConvertRequest {
    Objects.requireNonNull(dockerfile, "dockerfile");
    Objects.requireNonNull(resolver, "resolver");
    fileName = fileName == null ? Dockerfiles.DEFAULT_NAME : fileName;
    ignorePatterns = List.copyOf(ignorePatterns);
    buildArgs = Map.copyOf(buildArgs);
    buildPlatform = buildPlatform == null ? Platform.host() : buildPlatform;
    targetPlatform = targetPlatform == null ? buildPlatform : targetPlatform;
    labels = Map.copyOf(labels);
    noCacheStages = Set.copyOf(noCacheStages);
    extraHosts = List.copyOf(extraHosts);
    insecure = insecure == null ? InsecureEntitlement.DENIED : insecure;
    execLimits = execLimits == null ? ExecLimits.NONE : execLimits;
    namedContexts = Map.copyOf(namedContexts);
  }

  public static Builder builder(String dockerfile, ImageMetadataResolver resolver) {
    return new Builder(dockerfile, resolver);
  }

  /** Fluent construction with the defaults of {@code docker build}. */
  public static final class Builder {
    private final String dockerfile;
    private final ImageMetadataResolver resolver;
    private String fileName = Dockerfiles.DEFAULT_NAME;
    private final List<String> ignorePatterns = new ArrayList<>();
    private final Map<String, String> buildArgs = new LinkedHashMap<>();
    private String target;
    private Platform targetPlatform;
    private Platform buildPlatform;
    private final Map<String, String> labels = new LinkedHashMap<>();
    private boolean noCache;
    private final Set<String> noCacheStages = new LinkedHashSet<>();
    private final List<HostEntry> extraHosts = new ArrayList<>();
    private InsecureEntitlement insecure = InsecureEntitlement.DENIED;
    private boolean networkHost;
    private ExecLimits execLimits = ExecLimits.NONE;
    private final Map<String, NamedSource> namedContexts = new LinkedHashMap<>();
    private boolean platformSteps;

    private Builder(String dockerfile, ImageMetadataResolver resolver) {
      this.dockerfile = dockerfile;
      this.resolver = resolver;
    }

    public Builder fileName(String v) {
      fileName = v;
      return this;
    }

    public Builder ignorePatterns(List<String> v) {
      ignorePatterns.addAll(v);
      return this;
    }

    public Builder buildArg(String name, String value) {
      buildArgs.put(name, value);
      return this;
    }

    public Builder buildArgs(Map<String, String> v) {
      buildArgs.putAll(v);
      return this;
    }

    public Builder target(String v) {
      target = v;
      return this;
    }

    public Builder targetPlatform(Platform v) {
      targetPlatform = v;
      return this;
    }

    public Builder buildPlatform(Platform v) {
      buildPlatform = v;
      return this;
    }

    public Builder label(String k, String v) {
      labels.put(k, v);
      return this;
    }

    public Builder noCache(boolean v) {
      noCache = v;
      return this;
    }

    public Builder noCacheStage(String stage) {
      noCacheStages.add(stage);
      return this;
    }

    public Builder extraHost(HostEntry host) {
      extraHosts.add(host);
      return this;
    }

    public Builder insecure(InsecureEntitlement v) {
      insecure = v;
      return this;
    }

    public Builder networkHost(boolean v) {
      networkHost = v;
      return this;
    }

    public Builder execLimits(ExecLimits v) {
      execLimits = v;
      return this;
    }

    /** A named context; {@code name} in its {@link ContextName#familiar} form. */
    public Builder namedContext(String name, NamedSource source) {
      namedContexts.put(name, source);
      return this;
    }

    public Builder platformSteps(boolean v) {
      platformSteps = v;
      return this;
    }

    public ConvertRequest build() {
      return new ConvertRequest(
          dockerfile,
          fileName,
          ignorePatterns,
          buildArgs,
          target,
          targetPlatform,
          buildPlatform,
          labels,
          noCache,
          noCacheStages,
          extraHosts,
          insecure,
          networkHost,
          execLimits,
          namedContexts,
          resolver,
          platformSteps);
    }
  }
}
