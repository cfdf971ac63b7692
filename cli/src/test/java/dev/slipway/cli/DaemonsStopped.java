package dev.slipway.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * When a test run ends, stops the slipway daemons its bin/slipway runs started in
 * $SLIPWAY_DAEMON_DIR (the pom points it into target/), so none outlives {@code mvn verify}.
 */
public final class DaemonsStopped implements LauncherSessionListener {

  @Override
  public void launcherSessionClosed(LauncherSession session) {
    String dir = System.getenv("SLIPWAY_DAEMON_DIR");
    if (dir != null) {
      stopAll(Path.of(dir));
    }
  }

  /** Ends (SIGTERM, so they close their engines) the daemons whose pid files are in {@code dir}. */
  static void stopAll(Path dir) {
    List<ProcessHandle> daemons;
    try (Stream<Path> files = Files.list(dir)) {
      daemons =
          files
              .filter(f -> f.getFileName().toString().endsWith(".pid"))
              .flatMap(f -> daemon(f).stream())
              .toList();
    } catch (IOException noDaemonsRan) {
      return;
    }
    daemons.forEach(ProcessHandle::destroy);
    for (ProcessHandle d : daemons) {
      try {
        d.onExit()
            .get(Duration.ofSeconds(30).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        d.destroyForcibly();
      }
    }
  }

  private static java.util.Optional<ProcessHandle> daemon(Path pidFile) {
    try {
      return ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()))
          // a stale pid file may name someone else's process by now
          .filter(
              p ->
                  p.info()
                      .arguments()
                      .map(a -> List.of(a).contains("dev.slipway.cli.daemon.CliDaemon"))
                      .orElse(false));
    } catch (IOException | NumberFormatException e) {
      return java.util.Optional.empty();
    }
  }
}
