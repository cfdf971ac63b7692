package dev.slipway.cli.command;

import dev.slipway.api.resource.BuildRequest;
import dev.slipway.cli.cluster.BuildLogs;
import dev.slipway.cli.cluster.BuildOutcome;
import dev.slipway.cli.cluster.Builds;
import dev.slipway.cli.cluster.ClusterConnection;
import dev.slipway.cli.cluster.ClusterOptions;
import dev.slipway.cli.invocation.Invocation;
import dev.slipway.cli.progress.ProgressPrinter;
import dev.slipway.cli.usage.UsageException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code slipway logs BUILD}: a build's progress, replayed from its start and followed live from
 * its builder pod; for a finished build, how it ended.
 */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    description = "Show a cluster build's progress (followed until it ends) or how it ended.")
public final class LogsCommand implements Callable<Integer> {

  @Parameters(paramLabel = "BUILD", description = "The BuildRequest's name (see slipway ls).")
  String name;

  @Option(
      names = "--progress",
      paramLabel = "MODE",
      defaultValue = "plain",
      description = "auto, tty, plain or rawjson (default plain).")
  String progress;

  @Mixin ClusterOptions options;

  @Override
  public Integer call() throws Exception {
    if (!ProgressPrinter.MODES.contains(progress) || progress.equals("quiet")) {
      throw new UsageException("--progress " + progress + ": use auto, tty, plain or rawjson");
    }
    try (ClusterConnection cluster = options.connect()) {
      BuildRequest build = Builds.get(cluster, name);
      Invocation invocation = Invocation.current();
      BuildLogs logs = new BuildLogs(cluster, name, invocation.stdout());
      if (BuildOutcome.isFinal(build)) {
        return logs.ended(build);
      }
      return logs.follow(
          ProgressPrinter.create(
              progress, invocation.stdout(), invocation.stderrIsTerminal(), invocation.columns()));
    }
  }
}
