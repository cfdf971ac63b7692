package dev.slipway.cli;

import dev.slipway.cli.build.BuildCommand;
import dev.slipway.cli.cache.DiskUsageCommand;
import dev.slipway.cli.cache.PruneCommand;
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
      DiskUsageCommand.class,
      PruneCommand.class,
      VersionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class SlipwayCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new SlipwayCommand()).execute(args));
  }
}
