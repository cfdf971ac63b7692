package dev.slipway.cli.backend;

import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.FrontendCall;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.cli.invocation.LocalEngines;
import dev.slipway.engine.history.BuildEnding;
import dev.slipway.engine.history.BuildNames;
import dev.slipway.engine.history.HistoryRecorder;
import dev.slipway.engine.job.BuildCancellation;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.session.BuildSession;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * The engine embedded in this process ({@code --local}), keeping its state in one directory. Every
 * build that ends is recorded in that directory's history ({@code slipway history --local}).
 */
public final class LocalEngineBackend implements BuildBackend {
  /** The owner of local records: the state directory is one user's, so is all it holds. */
  static final String LOCAL_OWNER = "local";

  private final LocalEngines.Lease engine;
  private final String contextName;

  /**
   * Builds with the engine of {@code lease}, which this backend lets go of when closed.
   *
   * @param contextName what the history calls the build's context (its directory's name), or empty
   */
  public LocalEngineBackend(LocalEngines.Lease lease, String contextName) {
    this.engine = lease;
    this.contextName = contextName;
  }

  @Override
  public BuildResult build(
      SolveRequest request,
      BuildSession session,
      Consumer<SolveEvent> progress,
      BuildCancellation cancellation)
      throws BuildFailedException {
    if (request.getCall() != FrontendCall.FRONTEND_CALL_BUILD) {
      return engine.engine().solve(request, session, progress, cancellation);
    }
    HistoryRecorder history =
        engine
            .engine()
            .history()
            .recorder(request, LOCAL_OWNER, BuildNames.of(request, contextName));
    BuildEnding ending = BuildEnding.internal("the engine ended without an outcome");
    try {
      BuildResult result =
          engine
              .engine()
              .solve(
                  request,
                  session,
                  e -> {
                    progress.accept(e);
                    history.accept(e);
                  },
                  cancellation);
      ending = BuildEnding.succeeded(result);
      return result;
    } catch (BuildFailedException e) {
      ending = BuildEnding.failed(e, cancellation);
      throw e;
    } catch (RuntimeException e) {
      ending = BuildEnding.internal("the engine failed: " + e);
      throw e;
    } finally {
      ending.record(history, ending.event(request.getBuildId()));
    }
  }

  @Override
  public void close() throws IOException {
    engine.close();
  }
}
