package dev.slipway.cli.cluster;

import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestStatus;
import dev.slipway.cli.progress.FailureReport;
import dev.slipway.cli.progress.ProgressPrinter;
import dev.slipway.engine.job.BuildCancellation;
import dev.slipway.engine.job.BuildFailedException;
import java.io.PrintStream;
import java.util.List;
import java.util.function.Function;

/**
 * What {@code slipway logs} shows of a BuildRequest: each attempt's progress, replayed from its
 * start by its builder pod and followed live; when an attempt's events stop short (its pod lost),
 * the operator's next attempt, announced; in the end, how the request ended.
 */
public final class BuildLogs {
  private final ClusterConnection cluster;
  private final String name;
  private final Function<BuildRequest, BuilderTunnel> tunnels;
  private final PrintStream out;

  /** The logs of BuildRequest {@code name}, shown on {@code out}. */
  public BuildLogs(ClusterConnection cluster, String name, PrintStream out) {
    this(cluster, name, placed -> BuilderTunnel.open(cluster, placed), out);
  }

  /**
   * @param tunnels opens a tunnel to the builder pod of a placed request's attempt
   */
  BuildLogs(
      ClusterConnection cluster,
      String name,
      Function<BuildRequest, BuilderTunnel> tunnels,
      PrintStream out) {
    this.cluster = cluster;
    this.name = name;
    this.tunnels = tunnels;
    this.out = out;
  }

  /** Follows the request's attempts until it ends; returns the exit status, 0 if it succeeded. */
  public int follow(ProgressPrinter printer) throws InterruptedException {
    // logs only watches: leaving it (Ctrl-C) never cancels the build
    BuildCancellation never = new BuildCancellation();
    try (BuildRequestFollower follower = new BuildRequestFollower(cluster, name, out)) {
      BuildRequest attempt = follower.awaitPod(never);
      if (BuildParts.split(attempt)) {
        attempt = follower.awaitParts(never);
      }
      if (BuildOutcome.isFinal(attempt)) {
        return ended(attempt);
      }
      while (!BuildOutcome.isFinal(attempt)) {
        BuildRequestStatus status = attempt.getStatus();
        LostEvents lost = new LostEvents();
        try (BuilderTunnel tunnel = tunnels.apply(attempt)) {
          BuildResult result = tunnel.builder().follow(status.getBuildId(), printer, lost);
          printer.finish();
          out.println(name + " Succeeded" + digest(result.getImageDigest()));
          return 0;
        } catch (BuildFailedException e) {
          if (!lost.explains(e)) {
            throw e;
          }
          if (lost.refused()) {
            out.println(
                e.error().getMessage() + "; waiting for the BuildRequest's next attempt or end");
          }
          attempt = follower.awaitRetry(status, e.error().getMessage(), never);
        }
      }
      printer.finish();
      return ended(attempt);
    } catch (BuildFailedException e) {
      printer.finish();
      FailureReport.print(out, e.error(), List.of());
      return 1;
    }
  }

  /** Shows how a finished request ended; returns the exit status, 0 if it succeeded. */
  public int ended(BuildRequest build) {
    out.println(name + " " + SchedulingNotices.describe(build.getStatus()));
    var result = build.getStatus().getResult();
    if (result != null && result.getDigest() != null) {
      out.println("digest: " + result.getDigest());
    }
    BuildParts.of(build).forEach(part -> out.println(BuildParts.describe(part)));
    return BuildOutcome.of(build).hasResult() ? 0 : 1;
  }

  private static String digest(String digest) {
    return digest.isEmpty() ? "" : " " + digest;
  }
}
