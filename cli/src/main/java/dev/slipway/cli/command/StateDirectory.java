package dev.slipway.cli.command;

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
    if (explicit != null) {
      return explicit.toAbsolutePath();
    }
    String env = System.getenv("SLIPWAY_STATE");
    if (env != null && !env.isBlank()) {
      return Path.of(env).toAbsolutePath();
    }
    String xdg = System.getenv("XDG_DATA_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".local", "share");
    return base.resolve("slipway");
  }
}
