package dev.slipway.engine;

import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.engine.job.BuildCancellation;
import dev.slipway.engine.session.LocalSession;
import java.nio.file.Path;

/**
 * The process {@link EngineKillTest} kills: builds {@code CONTEXT} on {@code STATE} with {@code
 * NAP=SECONDS} and echoes the RUN step's output to stdout, so the test sees when the step runs.
 */
public final class KilledBuildDriver {
  private KilledBuildDriver() {}

  public static void main(String[] args) throws Exception {
    Path state = Path.of(args[0]);
    Path context = Path.of(args[1]);
    SolveRequest request = TestBuild.request().putBuildArgs("NAP", args[2]).build();
    try (Engine engine = Engine.open(EngineConfig.defaults(state));
        LocalSession session = LocalSession.builder().context("context", context).build()) {
      engine.solve(
          request,
          session,
          event -> {
            if (event.hasLog()) {
              System.out.write(
                  event.getLog().getData().toByteArray(), 0, event.getLog().getData().size());
              System.out.flush();
            }
          },
          new BuildCancellation());
    }
  }
}
