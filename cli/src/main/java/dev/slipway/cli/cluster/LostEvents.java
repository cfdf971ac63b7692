package dev.slipway.cli.cluster;

import dev.slipway.api.control.v1.BuildError;
import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.cli.remote.RemoteBuilder;
import dev.slipway.engine.job.BuildFailedException;

/**
 * Why an attempt's events stopped short of its end: the builder would not report it, or stopped it
 * without being asked (it shuts down with its pod, or lost the session). Then the BuildRequest says
 * what comes next; any other error is the build's own.
 */
final class LostEvents implements RemoteBuilder.StatusFallback {
  private String refusal;

  @Override
  public SolveEvent lastEvent(String refusal) {
    this.refusal = refusal;
    return SolveEvent.newBuilder()
        .setError(
            BuildError.newBuilder().setKind(ErrorKind.ERROR_KIND_UNSPECIFIED).setMessage(refusal))
        .build();
  }

  /** Whether the builder would not report the attempt (rather than the attempt ending). */
  boolean refused() {
    return refusal != null;
  }

  boolean explains(BuildFailedException e) {
    return refusal != null || e.error().getKind() == ErrorKind.ERROR_KIND_CANCELLED;
  }
}
