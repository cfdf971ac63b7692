package dev.slipway.cli.command;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code slipway builder}: the Builders (pools of builder pods) of a namespace. */
@Command(
    name = "builder",
    mixinStandardHelpOptions = true,
    description = "Manage Builders: pools of builder pods on the cluster.",
    subcommands = {
      BuilderCreateCommand.class,
      BuilderListCommand.class,
      BuilderInspectCommand.class,
      BuilderRemoveCommand.class
    })
public final class BuilderCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a subcommand is required: create, ls, inspect or rm");
  }
}
