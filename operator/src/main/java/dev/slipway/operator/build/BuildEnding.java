package dev.slipway.operator.build;

import dev.slipway.api.control.v1.BuildError;
import dev.slipway.api.resource.BuildPhase;

/**
 * How a BuildRequest ends: its final phase, the message its status shows and the CamelCase reason
 * of the Event that announces it and of its {@code Succeeded} condition.
 */
record BuildEnding(BuildPhase phase, String message, String reason) {

  static BuildEnding succeeded(String digest) {
    return new BuildEnding(BuildPhase.SUCCEEDED, "built " + digest, "Succeeded");
  }

  static BuildEnding failed(BuildError error) {
    return new BuildEnding(BuildPhase.FAILED, failure(error), "Failed");
  }

  /** The build succeeded but its outputs to volumes could not be written. */
  static BuildEnding outputsFailed(String why) {
    return new BuildEnding(BuildPhase.FAILED, why, "OutputFailed");
  }

  /** The user set spec.cancel. */
  static BuildEnding cancelled() {
    return new BuildEnding(BuildPhase.CANCELLED, "cancelled: spec.cancel was set", "Cancelled");
  }

  /** The builder reports the build cancelled after spec.cancel was set. */
  static BuildEnding cancelledOnBuilder(String why) {
    return new BuildEnding(BuildPhase.CANCELLED, "cancelled on the builder: " + why, "Cancelled");
  }

  static BuildEnding timedOut(long timeoutSeconds) {
    return new BuildEnding(
        BuildPhase.FAILED,
        "timed out after "
            + timeoutSeconds
            + "s (spec.timeoutSeconds); raise it if the build needs longer",
        "TimedOut");
  }

  /** The last allowed attempt lost its pod. */
  static BuildEnding podLost(
      String podName, String why, int attempts, int allowed, String builderName) {
    return new BuildEnding(
        BuildPhase.FAILED,
        "builder pod "
            + podName
            + " was lost mid-build ("
            + why
            + ") on attempt "
            + attempts
            + " of "
            + allowed
            + "; check the Builder's pods (kubectl describe builder "
            + builderName
            + ") or raise spec.retries",
        "PodLost");
  }

  /** A part of a build split per platform failed, was cancelled or could not be made. */
  static BuildEnding platformFailed(String platform, String child, String why) {
    return new BuildEnding(
        BuildPhase.FAILED,
        "platform " + platform + " failed (BuildRequest " + child + "): " + why,
        "PlatformFailed");
  }

  /** Ends nobody wanted are Warning events; a success or a requested cancel is Normal. */
  boolean warning() {
    return phase != BuildPhase.SUCCEEDED && phase != BuildPhase.CANCELLED;
  }

  /** The request's move to its final phase, with this ending's reason. */
  PhaseChange change() {
    return new PhaseChange(phase, reason, message, message, warning());
  }

  private static String failure(BuildError error) {
    StringBuilder message = new StringBuilder(error.getMessage());
    if (error.hasLocation()
        && !error.getLocation().getFile().isEmpty()
        && error.getLocation().getRangesCount() > 0) {
      message
          .append(" (")
          .append(error.getLocation().getFile())
          .append(':')
          .append(error.getLocation().getRanges(0).getStartLine())
          .append(')');
    }
    return message.toString();
  }
}
