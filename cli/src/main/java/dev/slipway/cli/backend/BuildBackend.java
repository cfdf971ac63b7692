package dev.slipway.cli.backend;

import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.engine.job.BuildCancellation;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.session.BuildSession;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Where {@code slipway build} runs a build ({@link BuildMode}): the engine in this process, a
 * builder process reached over gRPC, or a cluster through a BuildRequest. Each takes the same
 * SolveRequest and the session that answers for this machine, and ends the same way, so the build
 * command has one flow whatever runs the build.
 */
public interface BuildBackend extends AutoCloseable {

  /**
   * Runs {@code request} to its end, serving its context, secrets, ssh agents, credentials and
   * outputs from {@code session}; its progress events go to {@code progress}. Returns once the
   * result and every output for this machine are in.
   *
   * @throws BuildFailedException when the build fails or is cancelled through {@code cancellation}
   */
  BuildResult build(
      SolveRequest request,
      BuildSession session,
      Consumer<SolveEvent> progress,
      BuildCancellation cancellation)
      throws BuildFailedException;

  /** Lets go of the engine, the connection or the cluster client. */
  @Override
  void close() throws IOException;
}
