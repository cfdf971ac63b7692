package dev.slipway.cli;

import dev.slipway.cli.command.BuildCommand;
import dev.slipway.cli.command.BuilderCommand;
import dev.slipway.cli.command.CancelCommand;
import dev.slipway.cli.command.CompletionCommand;
import dev.slipway.cli.command.DaemonCommand;
import dev.slipway.cli.command.DiskUsageCommand;
import dev.slipway.cli.command.HistoryCommand;
import dev.slipway.cli.command.ListCommand;
import dev.slipway.cli.command.LogsCommand;
import dev.slipway.cli.command.PruneCommand;
import dev.slipway.cli.command.VersionCommand;
import dev.slipway.cli.invocation.Invocation;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code slipway} command: builds container images, locally or on a Kubernetes cluster. */
@Command(
    name = "slipway",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.class,
    description = "Build container images from Dockerfiles, locally or on Kubernetes.",
    subcommands = {
      BuildCommand.class,
      ListCommand.class,
      LogsCommand.class,
      CancelCommand.class,
      HistoryCommand.class,
      BuilderCommand.class,
      DiskUsageCommand.class,
      PruneCommand.class,
      DaemonCommand.class,
      VersionCommand.class,
      CompletionCommand.class,
      CommandLine.HelpCommand.class
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  slipway build -t app:dev -o type=oci,dest=app.oci.tar .",
      "  slipway build --progress=plain -o type=docker,dest=- . | docker load",
      "  slipway build --help",
      "  slipway builder create default && slipway build --push -t REGISTRY/app:dev .",
      "  slipway ls && slipway logs build-x7k2p",
      "  source <(slipway completion bash)",
      "",
      "Exit status: 0 success, 1 the build failed, 2 usage error."
    })
public final class SlipwayCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a command is required, e.g. slipway build .");
  }

  /** The command line with slipway's error handling: one-line messages, exit codes 0/1/2. */
  public static CommandLine commandLine() {
    return commandLine(Invocation.current());
  }

  private static CommandLine commandLine(Invocation invocation) {
    return new CommandLine(new SlipwayCommand())
        .setOut(new PrintWriter(invocation.stdout(), true))
        .setErr(new PrintWriter(invocation.err(), true))
        .setParameterExceptionHandler(new CliErrors())
        .setExecutionExceptionHandler(new CliErrors());
  }

  /**
   * Runs one command line in {@code invocation} (its directory, environment and streams) and
   * returns its exit status; the daemon runs several at once.
   */
  public static int execute(Invocation invocation, String... args) {
    return invocation.run(() -> commandLine(invocation).execute(args));
  }

  public static void main(String[] args) {
    System.exit(execute(Invocation.ofThisProcess(), args));
  }
}
