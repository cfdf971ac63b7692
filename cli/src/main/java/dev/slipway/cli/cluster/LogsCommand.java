package dev.slipway.cli.cluster;

import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.cli.build.UsageException;
import dev.slipway.cli.progress.FailureReport;
import dev.slipway.cli.progress.ProgressPrinter;
import dev.slipway.engine.BuildCancellation;
import dev.slipway.engine.BuildFailedException;
import java.io.PrintStream;
import java.util.List;
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
    PrintStream out = System.out;
    try (ClusterConnection cluster = options.connect()) {
      BuildRequest build = Builds.get(cluster, name);
      if (BuildOutcome.isFinal(build)) {
        return ended(out, build);
      }
      ProgressPrinter printer =
          ProgressPrinter.create(progress, out, "1".equals(System.getenv("SLIPWAY_TTY")));
      BuildCancellation never = new BuildCancellation();
      try (BuildRequestFollower follower = new BuildRequestFollower(cluster, name, out)) {
        BuildRequest placed = follower.awaitPod(never);
        if (BuildOutcome.isFinal(placed)) {
          return ended(out, placed);
        }
        String builderName = placed.getSpec().getBuilderRef().getName();
        BuildResult result;
        try (BuilderTunnel tunnel =
            BuilderTunnel.open(cluster, builderName, placed.getStatus().getBuilderPod())) {
          result =
              tunnel
                  .builder()
                  .follow(
                      placed.getStatus().getBuildId(),
                      printer,
                      refusal -> {
                        out.println(refusal + "; following the BuildRequest's status instead");
                        return follower.lastEvent(never);
                      });
        } finally {
          printer.finish();
        }
        out.println(name + " Succeeded" + digest(result.getImageDigest()));
        return 0;
      } catch (BuildFailedException e) {
        FailureReport.print(out, e.error(), List.of());
        return 1;
      }
    }
  }

  private int ended(PrintStream out, BuildRequest build) {
    out.println(name + " " + SchedulingNotices.describe(build.getStatus()));
    var result = build.getStatus().getResult();
    if (result != null && result.getDigest() != null) {
      out.println("digest: " + result.getDigest());
    }
    return BuildOutcome.of(build).hasResult() ? 0 : 1;
  }

  private static String digest(String digest) {
    return digest.isEmpty() ? "" : " " + digest;
  }
}
