package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** A context served by the slipway CLI over its session with the builder pod. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClientContext {

  @Required
  @JsonPropertyDescription("Id of the CLI's session; the CLI sets it.")
  private String sessionId;

  @JsonPropertyDescription(
      "Opaque key of the client directory; builds with the same key prefer the builder "
          + "pod that has its files cached.")
  private String affinityKey;

  @Pattern("^[a-f0-9]{64}$")
  @JsonPropertyDescription(
      "Placement hint: sha256 (hex) of the Dockerfile's bytes, so the build prefers a pod that"
          + " built the same Dockerfile. The CLI sets it; used for nothing but placement.")
  private String dockerfileDigest;

  @Size(max = 16)
  @JsonPropertyDescription(
      "Placement hint: normalized references of the Dockerfile's base images (FROM lines"
          + " expanded with the build args), e.g. docker.io/library/busybox:latest. The CLI sets"
          + " it; used for nothing but placement.")
  private List<@Size(max = 255) @Pattern("^\\S+$") String> baseImages;

  public String getSessionId() {
    return sessionId;
  }

  public void setSessionId(String sessionId) {
    this.sessionId = sessionId;
  }

  public String getAffinityKey() {
    return affinityKey;
  }

  public void setAffinityKey(String affinityKey) {
    this.affinityKey = affinityKey;
  }

  public String getDockerfileDigest() {
    return dockerfileDigest;
  }

  public void setDockerfileDigest(String dockerfileDigest) {
    this.dockerfileDigest = dockerfileDigest;
  }

  public List<String> getBaseImages() {
    return baseImages;
  }

  public void setBaseImages(List<String> baseImages) {
    this.baseImages = baseImages;
  }
}
