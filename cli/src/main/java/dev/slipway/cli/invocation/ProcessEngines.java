package dev.slipway.cli.invocation;

import dev.slipway.engine.Engine;
import java.io.IOException;
import java.nio.file.Path;

/** Engines of a slipway process without a daemon: each command opens its own and closes it. */
final class ProcessEngines implements LocalEngines {

  @Override
  public Lease open(Path stateDir) throws IOException {
    Engine engine;
    try {
      engine = Engine.open(LocalEngines.config(stateDir));
    } catch (IOException e) {
      if (e.getMessage() == null || !e.getMessage().contains("in use")) {
        throw e;
      }
      throw new IOException(
          e.getMessage()
              + " (if a slipway daemon holds it, `slipway daemon stop` ends the daemon; or use"
              + " the daemon: unset SLIPWAY_DAEMON)",
          e);
    }
    return new Lease() {
      @Override
      public Engine engine() {
        return engine;
      }

      @Override
      public void close() throws IOException {
        engine.close();
      }
    };
  }
}
