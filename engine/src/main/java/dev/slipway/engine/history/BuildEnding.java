package dev.slipway.engine.history;

import com.google.protobuf.Timestamp;
import dev.slipway.api.control.v1.BuildError;
import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.BuildState;
import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.engine.job.BuildCancellation;
import dev.slipway.engine.job.BuildFailedException;
import java.time.Instant;

/**
 * How a build ended, as its last event and its final state: the one mapping every place that runs
 * builds (the builder process, {@code --local}) uses, so a build reads the same in every history.
 */
public record BuildEnding(BuildState state, SolveEvent last) {

  public static BuildEnding succeeded(BuildResult result) {
    return new BuildEnding(
        BuildState.BUILD_STATE_SUCCEEDED, SolveEvent.newBuilder().setResult(result).build());
  }

  /**
   * A build the engine failed. If it was cancelled, whatever the error it happened to end with
   * (often the interrupted step's), it ended because of the cancellation, and says why.
   */
  public static BuildEnding failed(BuildFailedException e, BuildCancellation cancellation) {
    BuildError error = e.error();
    if (!cancellation.isCancelled()) {
      return new BuildEnding(
          BuildState.BUILD_STATE_FAILED, SolveEvent.newBuilder().setError(error).build());
    }
    if (error.getKind() != ErrorKind.ERROR_KIND_CANCELLED) {
      error =
          error.toBuilder()
              .setKind(ErrorKind.ERROR_KIND_CANCELLED)
              .setMessage("build cancelled: " + cancellation.reason())
              .build();
    }
    return new BuildEnding(
        BuildState.BUILD_STATE_CANCELLED, SolveEvent.newBuilder().setError(error).build());
  }

  /** A build that ended by a bug in what runs it: {@code message} says where to look. */
  public static BuildEnding internal(String message) {
    return new BuildEnding(
        BuildState.BUILD_STATE_FAILED,
        SolveEvent.newBuilder()
            .setError(
                BuildError.newBuilder().setKind(ErrorKind.ERROR_KIND_INTERNAL).setMessage(message))
            .build());
  }

  /** The build's last event, stamped now. */
  public SolveEvent event(String buildId) {
    return last.toBuilder().setBuildId(buildId).setTime(timestamp(Instant.now())).build();
  }

  /** Feeds {@code end} (this ending's {@link #event}) to {@code recorder} and finishes it. */
  public void record(HistoryRecorder recorder, SolveEvent end) {
    recorder.accept(end);
    recorder.finish(state);
  }

  public static Timestamp timestamp(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }
}
