package dev.slipway.operator.build;

import dev.slipway.api.resource.BuildPhase;

/**
 * A phase a BuildRequest moves to and why: the CamelCase reason its Event (and, once it is final or
 * invalid, its {@code Succeeded} condition) gives, the message its status shows, and the one its
 * Event shows.
 *
 * @param warning whether the Event is a Warning: something went wrong that someone may have to fix
 */
record PhaseChange(
    BuildPhase phase, String reason, String message, String eventMessage, boolean warning) {

  static final String INVALID = "Invalid";

  /** The build moves on as planned: a Normal event whose message is the status message. */
  static PhaseChange progress(BuildPhase phase, String reason, String message) {
    return new PhaseChange(phase, reason, message, message, false);
  }

  /** Something went wrong, but the build goes on (a retry): a Warning event. */
  static PhaseChange trouble(BuildPhase phase, String reason, String message) {
    return new PhaseChange(phase, reason, message, message, true);
  }

  /**
   * The request names something missing or wrong: it waits in phase Pending, and its Succeeded
   * condition is False until it is fixed.
   */
  static PhaseChange invalid(String problem) {
    return trouble(BuildPhase.PENDING, INVALID, problem);
  }

  /** The same change with an Event that says more than the status message. */
  PhaseChange withEventMessage(String event) {
    return new PhaseChange(phase, reason, message, event, warning);
  }

  /** Whether the request cannot be built as it is (Pending, reason Invalid). */
  boolean invalid() {
    return phase == BuildPhase.PENDING && INVALID.equals(reason);
  }
}
