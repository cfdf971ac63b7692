package dev.slipway.cli.command;

import dev.slipway.cli.invocation.Invocation;
import dev.slipway.launcher.DaemonControl;
import dev.slipway.launcher.DaemonFiles;
import dev.slipway.launcher.DaemonIdentity;
import dev.slipway.launcher.SocketDirectory;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code slipway daemon status|stop}. bin/slipway's launcher hands these to the warm daemon, which
 * answers them itself; this class answers them in a slipway JVM of its own (SLIPWAY_DAEMON=off),
 * e.g. to stop the daemon that holds a state directory.
 */
@Command(
    name = "daemon",
    mixinStandardHelpOptions = true,
    description = "Show or stop the warm slipway daemon that bin/slipway hands commands to.",
    subcommands = {DaemonCommand.Status.class, DaemonCommand.Stop.class})
public final class DaemonCommand {

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "Show its pid, identity, idle time, open state directories and memory.")
  static final class Status implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      return ask("status");
    }
  }

  @Command(
      name = "stop",
      mixinStandardHelpOptions = true,
      description = "End it: running commands are cancelled, its engines closed.")
  static final class Stop implements Callable<Integer> {
    @Option(
        names = "--all",
        description =
            "End every slipway daemon of this user's socket directory, also those of other CLI"
                + " builds or another $PATH.")
    boolean all;

    @Override
    public Integer call() throws Exception {
      if (all) {
        Invocation invocation = Invocation.current();
        DaemonControl.stopAll(
            SocketDirectory.prepare(SocketDirectory.locate(invocation.environment())),
            invocation.stdout());
        invocation.stdout().flush();
        return 0;
      }
      return ask("stop");
    }
  }

  private static int ask(String what) throws Exception {
    Invocation invocation = Invocation.current();
    Path cliJar =
        Path.of(DaemonCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    DaemonFiles files =
        new DaemonFiles(
            SocketDirectory.prepare(SocketDirectory.locate(invocation.environment())),
            DaemonIdentity.of(cliJar, invocation.env("PATH")));
    int status =
        DaemonControl.ask(
            files,
            List.of("daemon", what),
            invocation.cwd().toString(),
            invocation.stdout(),
            invocation.err());
    invocation.stdout().flush();
    return status;
  }
}
