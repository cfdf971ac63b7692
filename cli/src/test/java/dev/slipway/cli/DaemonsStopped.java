package dev.slipway.cli;

import dev.slipway.launcher.DaemonControl;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * When a test run ends, stops the slipway daemons its bin/slipway runs started in the directory of
 * the system property {@code slipway.test.daemon.dir} (failsafe's, in target/), so none outlives
 * {@code mvn verify}.
 */
public final class DaemonsStopped implements LauncherSessionListener {

  @Override
  public void launcherSessionClosed(LauncherSession session) {
    // Set by failsafe only: a developer's own SLIPWAY_DAEMON_DIR daemons are not the tests' to end.
    String dir = System.getProperty("slipway.test.daemon.dir");
    if (dir != null) {
      stopAll(Path.of(dir));
    }
  }

  /** Ends the daemons whose pid files are in {@code dir} (as `slipway daemon stop --all`). */
  static void stopAll(Path dir) {
    try {
      DaemonControl.stopAll(dir, OutputStream.nullOutputStream());
    } catch (IOException noDaemonsRan) {
      // no directory, no daemons
    }
  }
}
