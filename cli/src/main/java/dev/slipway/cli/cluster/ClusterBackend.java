package dev.slipway.cli.cluster;

import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.cli.backend.BuildBackend;
import dev.slipway.engine.job.BuildCancellation;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.session.BuildSession;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@code slipway build} on a cluster: creates a BuildRequest with a client context, waits for the
 * operator to place it on a builder pod, tunnels to that pod, serves the build's session from this
 * machine and shows its progress, attaching again when the operator retries the build on another
 * pod. Cancelling sets the BuildRequest's spec.cancel; the operator stops the build.
 */
public final class ClusterBackend implements BuildBackend {
  private final ClusterConnection cluster;
  private final String builderName;
  private final Path contextDir;
  private final Path dockerfile;
  private final PrintStream notices;
  private final Function<BuildRequest, BuilderTunnel> tunnels;

  /**
   * @param contextDir the build context on this machine (null for a Dockerfile from stdin)
   * @param dockerfile the Dockerfile on this machine (null when it came from stdin), read for the
   *     placement hints
   * @param notices where lines about the BuildRequest go (not the progress display)
   */
  public ClusterBackend(
      ClusterConnection cluster,
      String builderName,
      Path contextDir,
      Path dockerfile,
      PrintStream notices) {
    this(
        cluster,
        builderName,
        contextDir,
        dockerfile,
        notices,
        placed -> BuilderTunnel.open(cluster, placed));
  }

  /**
   * @param tunnels reaches the builder pod of a placed request's attempt: tests reach builder
   *     processes on loopback
   */
  ClusterBackend(
      ClusterConnection cluster,
      String builderName,
      Path contextDir,
      Path dockerfile,
      PrintStream notices,
      Function<BuildRequest, BuilderTunnel> tunnels) {
    this.cluster = cluster;
    this.builderName = builderName;
    this.contextDir = contextDir;
    this.dockerfile = dockerfile;
    this.notices = notices;
    this.tunnels = tunnels;
  }

  @Override
  public BuildResult build(
      SolveRequest request,
      BuildSession session,
      Consumer<SolveEvent> progress,
      BuildCancellation cancellation)
      throws BuildFailedException {
    String sessionId = UUID.randomUUID().toString();
    BuildRequest desired =
        ClusterBuildRequests.of(
            request,
            builderName,
            sessionId,
            AffinityKey.of(hostName(), contextDir),
            PlacementHints.of(dockerfile, request));
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
            cancellation.onCancel(() -> BuildRequestCancel.onInterrupt(cluster, name, notices))) {
      BuildRequest placed = follower.awaitPod(cancellation);
      if (BuildParts.split(placed)) {
        // The operator does not split a request whose context is a CLI session (as this one):
        // if a later operator does, the CLI shows the parts' outcome instead of waiting for a pod.
        return BuildOutcome.result(BuildOutcome.of(follower.awaitParts(cancellation)));
      }
      return new BuildAttempts(cluster, follower, tunnels, sessionId, notices)
          .follow(placed, request, session, progress, cancellation);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw BuildFailedException.cancelled("interrupted");
    } catch (BuildFailedException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new ClusterException("following BuildRequest " + name + " failed: " + e);
    }
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
