package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

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
}
