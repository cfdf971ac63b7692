package dev.slipway.cli.backend;

import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.cli.invocation.LocalEngines;
import dev.slipway.engine.job.BuildCancellation;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.session.BuildSession;
import java.io.IOException;
import java.util.function.Consumer;

/** The engine embedded in this process ({@code --local}), keeping its state in one directory. */
public final class LocalEngineBackend implements BuildBackend {
  private final LocalEngines.Lease engine;

  /** Builds with the engine of {@code lease}, which this backend lets go of when closed. */
  public LocalEngineBackend(LocalEngines.Lease lease) {
    this.engine = lease;
  }

  @Override
  public BuildResult build(
      SolveRequest request,
      BuildSession session,
      Consumer<SolveEvent> progress,
      BuildCancellation cancellation)
      throws BuildFailedException {
    return engine.engine().solve(request, session, progress, cancellation);
  }

  @Override
  public void close() throws IOException {
    engine.close();
  }
}
