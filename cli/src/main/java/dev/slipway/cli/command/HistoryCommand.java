package dev.slipway.cli.command;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code slipway history}: finished builds, as {@code docker buildx history} shows them. */
@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    description =
        "Finished builds: when they ran, their steps and cache hits, their result or error, and"
            + " their kept log (local engine, a builder process, or the cluster's BuildRequests).",
    subcommands = {
      HistoryListCommand.class,
      HistoryInspectCommand.class,
      HistoryLogsCommand.class,
      HistoryRemoveCommand.class
    })
public final class HistoryCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a subcommand is required: ls, inspect, logs or rm");
  }
}
