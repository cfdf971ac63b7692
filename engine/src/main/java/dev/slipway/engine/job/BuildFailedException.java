package dev.slipway.engine.job;

import dev.slipway.api.control.v1.BuildError;
import dev.slipway.api.control.v1.ErrorKind;

/**
 * A build did not produce its result. Carries the same {@link BuildError} that a remote client
 * receives, so local and remote builds report failures identically.
 */
public final class BuildFailedException extends Exception {
  private final transient BuildError error;

  public BuildFailedException(BuildError error) {
    super(error.getMessage());
    this.error = error;
  }

  public BuildFailedException(BuildError error, Throwable cause) {
    super(error.getMessage(), cause);
    this.error = error;
  }

  public BuildError error() {
    return error;
  }

  public static BuildFailedException of(ErrorKind kind, String message) {
    return new BuildFailedException(
        BuildError.newBuilder().setKind(kind).setMessage(message).build());
  }

  public static BuildFailedException cancelled(String reason) {
    return of(ErrorKind.ERROR_KIND_CANCELLED, "build cancelled: " + reason);
  }
}
