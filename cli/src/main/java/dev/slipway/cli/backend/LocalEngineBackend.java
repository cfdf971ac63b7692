package dev.slipway.cli.backend;

import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.engine.Engine;
import dev.slipway.engine.EngineConfig;
import dev.slipway.engine.job.BuildCancellation;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.session.BuildSession;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/** The engine embedded in this process ({@code --local}), keeping its state in one directory. */
public final class LocalEngineBackend implements BuildBackend {
  private final Engine engine;

  /**
   * The user's own machine: a build may run privileged when the user asks for it with {@code
   * --allow security.insecure}, so the engine allows the entitlement.
   */
  public LocalEngineBackend(Path stateDir) throws IOException {
    this.engine = Engine.open(EngineConfig.defaults(stateDir).withInsecureEntitlement(true));
  }

  @Override
  public BuildResult build(
      SolveRequest request,
      BuildSession session,
      Consumer<SolveEvent> progress,
      BuildCancellation cancellation)
      throws BuildFailedException {
    return engine.solve(request, session, progress, cancellation);
  }

  @Override
  public void close() throws IOException {
    engine.close();
  }
}
