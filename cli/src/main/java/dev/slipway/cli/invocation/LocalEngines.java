package dev.slipway.cli.invocation;

import dev.slipway.engine.Engine;
import dev.slipway.engine.EngineConfig;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Where a command gets the engine of a state directory ({@code --local}, {@code du}, {@code
 * prune}): opened for the command alone in a process of its own, kept open across commands in the
 * daemon.
 */
public interface LocalEngines {

  /** The engine on {@code stateDir} for one command; closing the lease ends this use of it. */
  Lease open(Path stateDir) throws IOException;

  /**
   * The user's own machine: a build may run privileged when the user asks for it with {@code
   * --allow security.insecure}, so the engine allows the entitlement.
   */
  static EngineConfig config(Path stateDir) {
    return EngineConfig.defaults(stateDir).withInsecureEntitlement(true);
  }

  /** One command's use of an engine. */
  interface Lease extends AutoCloseable {
    Engine engine();

    @Override
    void close() throws IOException;
  }
}
