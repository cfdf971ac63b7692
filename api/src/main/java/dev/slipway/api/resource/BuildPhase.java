package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Lifecycle phase of a BuildRequest. */
public enum BuildPhase {
  /** Accepted, not yet scheduled. */
  @JsonProperty("Pending")
  PENDING,

  /** Its Builder has no ready pod yet (scaled to zero, or its pods are starting). */
  @JsonProperty("WaitingForPod")
  WAITING_FOR_POD,

  /** Waiting for a free builder pod. */
  @JsonProperty("Queued")
  QUEUED,

  /** Running on a builder pod. */
  @JsonProperty("Running")
  RUNNING,

  /** Finished; the result is in status.result. */
  @JsonProperty("Succeeded")
  SUCCEEDED,

  /** Finished without a result; status.message says why. */
  @JsonProperty("Failed")
  FAILED,

  /** Stopped by spec.cancel or deletion. */
  @JsonProperty("Cancelled")
  CANCELLED;

  /** The value as written in YAML. */
  public String wireName() {
    try {
      return getDeclaringClass().getField(name()).getAnnotation(JsonProperty.class).value();
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether the build has ended and will not change again. */
  public boolean isFinal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}
