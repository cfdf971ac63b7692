package dev.slipway.cli.command;

import dev.slipway.cli.invocation.Invocation;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the embedded engine keeps its cache and images: {@code --state}, else $SLIPWAY_STATE, else
 * $XDG_DATA_HOME/slipway, else ~/.local/share/slipway.
 */
public final class StateDirectory {

  @Option(
      names = "--state",
      paramLabel = "DIR",
      description = "State directory of the local engine (default: $XDG_DATA_HOME/slipway).")
  Path explicit;

  public Path path() {
    Invocation invocation = Invocation.current();
    if (explicit != null) {
      return invocation.resolve(explicit);
    }
    String env = invocation.env("SLIPWAY_STATE");
    if (env != null && !env.isBlank()) {
      return invocation.resolve(env);
    }
    String xdg = invocation.env("XDG_DATA_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? invocation.resolve(xdg)
            : invocation.home().resolve(".local").resolve("share");
    return base.resolve("slipway");
  }
}
