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

  /** How many base images a request may name as a placement hint. */
  public static final int MAX_BASE_IMAGES = 16;

  /** The longest base image name a hint may carry. */
  public static final int MAX_BASE_IMAGE_LENGTH = 255;

  private static final String BASE_IMAGE_PATTERN = "^\\S+$";
  private static final java.util.regex.Pattern BASE_IMAGE =
      java.util.regex.Pattern.compile(BASE_IMAGE_PATTERN);

  /**
   * Whether the CRD admits {@code name} as a base image hint; a client drops others rather than
   * have the API server refuse the whole BuildRequest over a hint.
   */
  public static boolean isBaseImageHint(String name) {
    return name != null
        && name.length() <= MAX_BASE_IMAGE_LENGTH
        && BASE_IMAGE.matcher(name).matches();
  }

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

  @Size(max = MAX_BASE_IMAGES)
  @JsonPropertyDescription(
      "Placement hint: normalized references of the Dockerfile's base images (FROM lines"
          + " expanded with the build args), e.g. docker.io/library/busybox:latest. The CLI sets"
          + " it; used for nothing but placement.")
  private List<@Size(max = MAX_BASE_IMAGE_LENGTH) @Pattern(BASE_IMAGE_PATTERN) String> baseImages;

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
