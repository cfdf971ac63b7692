package dev.slipway.engine.image;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.List;
import java.util.Map;

/**
 * The "config" object of an OCI/Docker image configuration: what a container started from the image
 * runs with. Immutable; the {@code with*} methods (generated into {@link ContainerConfigBuilder})
 * return changed copies, which is how the Dockerfile frontend applies ENV, CMD, USER, ...
 * instruction by instruction.
 */
// the JSON names stay on the record alone; the generated code needs none of them
@RecordBuilder.Options(inheritComponentAnnotations = false)
@RecordBuilder
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ContainerConfig(
    @JsonProperty("User") String user,
    @JsonProperty("ExposedPorts") Map<String, Map<String, Object>> exposedPorts,
    @JsonProperty("Env") List<String> env,
    @JsonProperty("Entrypoint") List<String> entrypoint,
    @JsonProperty("Cmd") List<String> cmd,
    @JsonProperty("Volumes") Map<String, Map<String, Object>> volumes,
    @JsonProperty("WorkingDir") String workingDir,
    @JsonProperty("Labels") Map<String, String> labels,
    @JsonProperty("StopSignal") String stopSignal,
    @JsonProperty("Healthcheck") HealthConfig healthcheck,
    @JsonProperty("Shell") List<String> shell,
    @JsonProperty("OnBuild") List<String> onBuild,
    @JsonProperty("ArgsEscaped") Boolean argsEscaped)
    implements ContainerConfigBuilder.With {

  public static final ContainerConfig EMPTY =
      new ContainerConfig(
          null, null, null, null, null, null, null, null, null, null, null, null, null);

  public ContainerConfig {
    exposedPorts = exposedPorts == null ? Map.of() : Map.copyOf(exposedPorts);
    env = env == null ? List.of() : List.copyOf(env);
    entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
    cmd = cmd == null ? null : List.copyOf(cmd);
    volumes = volumes == null ? Map.of() : Map.copyOf(volumes);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    shell = shell == null ? null : List.copyOf(shell);
    onBuild = onBuild == null ? List.of() : List.copyOf(onBuild);
  }

  /** The value of an environment variable, or null when unset. */
  public String envValue(String name) {
    for (int i = env.size() - 1; i >= 0; i--) {
      String entry = env.get(i);
      int eq = entry.indexOf('=');
      String key = eq < 0 ? entry : entry.substring(0, eq);
      if (key.equals(name)) {
        return eq < 0 ? "" : entry.substring(eq + 1);
      }
    }
    return null;
  }
}
