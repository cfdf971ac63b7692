package dev.slipway.cli.cluster;

import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.engine.BuildCancellation;
import dev.slipway.engine.BuildFailedException;
import dev.slipway.engine.session.BuildSession;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * {@code slipway build} on a cluster: creates a BuildRequest with a client context, waits for the
 * operator to place it on a builder pod, tunnels to that pod, serves the build's session from this
 * machine and shows its progress. Cancelling sets the BuildRequest's spec.cancel; the operator
 * stops the build.
 */
public final class ClusterBuild implements AutoCloseable {
  private final ClusterConnection cluster;
  private final String builderName;
  private final Path contextDir;
  private final String network;
  private final PrintStream notices;

  /**
   * @param contextDir the build context on this machine (null for a Dockerfile from stdin)
   * @param network the --network flag
   * @param notices where lines about the BuildRequest go (not the progress display)
   */
  public ClusterBuild(
      ClusterConnection cluster,
      String builderName,
      Path contextDir,
      String network,
      PrintStream notices) {
    this.cluster = cluster;
    this.builderName = builderName;
    this.contextDir = contextDir;
    this.network = network;
    this.notices = notices;
  }

  /** Runs {@code request} on the cluster; the same contract as the local engine's solve. */
  public BuildResult solve(
      SolveRequest request,
      BuildSession session,
      Consumer<SolveEvent> progress,
      BuildCancellation cancellation)
      throws BuildFailedException {
    String sessionId = UUID.randomUUID().toString();
    BuildRequest desired =
        ClusterBuildRequests.of(
            request, builderName, sessionId, AffinityKey.of(hostName(), contextDir), network);
    Builds.builder(cluster, builderName);
    BuildRequest created =
        cluster
            .client()
            .resources(BuildRequest.class)
            .inNamespace(cluster.namespace())
            .resource(desired)
            .create();
    String name = created.getMetadata().getName();
    notices.println(
        "BuildRequest "
            + cluster.namespace()
            + "/"
            + name
            + " created for Builder "
            + builderName
            + " (slipway logs "
            + name
            + ", slipway cancel "
            + name
            + ")");
    try (BuildRequestFollower follower = new BuildRequestFollower(cluster, name, notices);
        AutoCloseable cancelRequest =
            cancellation.onCancel(() -> CancelCommand.requestCancel(cluster, name, notices))) {
      BuildRequest placed = follower.awaitPod(cancellation);
      if (BuildOutcome.isFinal(placed)) {
        return lastResult(BuildOutcome.of(placed));
      }
      String pod = placed.getStatus().getBuilderPod();
      try (BuilderTunnel tunnel = BuilderTunnel.open(cluster, builderName, pod)) {
        SolveRequest asPlaced =
            request.toBuilder().setBuildId(placed.getStatus().getBuildId()).build();
        return tunnel
            .builder()
            .attach(
                sessionId,
                asPlaced,
                session,
                progress,
                cancellation,
                refusal -> {
                  notices.println(refusal + "; following the BuildRequest's status instead");
                  return follower.lastEvent(cancellation);
                });
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw BuildFailedException.cancelled("interrupted");
    } catch (BuildFailedException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new ClusterException("following BuildRequest " + name + " failed: " + e);
    }
  }

  private static BuildResult lastResult(SolveEvent last) throws BuildFailedException {
    if (last.hasResult()) {
      return last.getResult();
    }
    throw new BuildFailedException(last.getError());
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  @Override
  public void close() {
    cluster.close();
  }
}
