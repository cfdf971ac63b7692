package dev.slipway.cli.cluster;

import dev.slipway.api.control.v1.BuildError;
import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.api.control.v1.PlatformResult;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestStatus;
import dev.slipway.api.resource.BuildResultStatus;
import dev.slipway.api.resource.PlatformBuildStatus;
import dev.slipway.engine.job.BuildFailedException;

/** How a finished BuildRequest ended, as the last event of a build: its result or its error. */
public final class BuildOutcome {
  private BuildOutcome() {}

  public static boolean isFinal(BuildRequest request) {
    return request.getStatus() != null
        && request.getStatus().getPhase() != null
        && request.getStatus().getPhase().isFinal();
  }

  /** The result of a build's last event, or its error thrown. */
  static BuildResult result(SolveEvent last) throws BuildFailedException {
    if (last.hasResult()) {
      return last.getResult();
    }
    throw new BuildFailedException(last.getError());
  }

  static SolveEvent of(BuildRequest request) {
    BuildRequestStatus status = request.getStatus();
    String name = request.getMetadata().getName();
    if (status.getPhase() == BuildPhase.SUCCEEDED) {
      BuildResult.Builder result = BuildResult.newBuilder();
      BuildResultStatus r = status.getResult();
      if (r != null) {
        if (r.getDigest() != null) {
          result.setImageDigest(r.getDigest()).putMetadata("containerimage.digest", r.getDigest());
        }
        if (r.getRefs() != null) {
          result.addAllRefs(r.getRefs());
        }
        if (r.getSizeBytes() != null) {
          result.setSizeBytes(r.getSizeBytes());
        }
      }
      for (PlatformBuildStatus part : BuildParts.of(request)) {
        PlatformResult.Builder p = PlatformResult.newBuilder();
        if (part.getPlatform() != null) {
          p.setPlatform(part.getPlatform());
        }
        if (part.getDigest() != null) {
          p.setDigest(part.getDigest());
        }
        if (part.getAttestationDigest() != null) {
          p.setAttestationDigest(part.getAttestationDigest());
        }
        result.addPlatforms(p);
      }
      if (status.getSteps() != null && status.getSteps().getTotal() != null) {
        result.setStepsTotal(status.getSteps().getTotal());
      }
      if (status.getSteps() != null && status.getSteps().getCached() != null) {
        result.setStepsCached(status.getSteps().getCached());
      }
      return SolveEvent.newBuilder().setResult(result).build();
    }
    ErrorKind kind =
        status.getPhase() == BuildPhase.CANCELLED
            ? ErrorKind.ERROR_KIND_CANCELLED
            : ErrorKind.ERROR_KIND_UNSPECIFIED;
    String message =
        "BuildRequest "
            + name
            + " "
            + status.getPhase().wireName()
            + (status.getMessage() == null ? "" : ": " + status.getMessage());
    return SolveEvent.newBuilder()
        .setError(BuildError.newBuilder().setKind(kind).setMessage(message))
        .build();
  }
}
