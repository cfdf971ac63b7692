package dev.slipway.cli.cluster;

import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestStatus;
import dev.slipway.engine.job.BuildCancellation;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.session.BuildSession;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.readiness.Readiness;
import java.io.PrintStream;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Serves a BuildRequest's session to each of its attempts. When the builder pod of an attempt is
 * lost, the operator retries the request on a ready pod under a new build id, and that attempt's
 * Solve waits for this session to attach: so this attaches again, to the new pod, and follows the
 * new attempt. A connection lost while the attempt still runs on a ready pod is re-attached once.
 */
final class BuildAttempts {
  private final ClusterConnection cluster;
  private final BuildRequestFollower follower;
  private final Function<BuildRequest, BuilderTunnel> tunnels;
  private final String sessionId;
  private final PrintStream notices;

  /**
   * @param tunnels opens a tunnel to the builder pod of a placed request's attempt
   * @param sessionId the session the request's client context names
   */
  BuildAttempts(
      ClusterConnection cluster,
      BuildRequestFollower follower,
      Function<BuildRequest, BuilderTunnel> tunnels,
      String sessionId,
      PrintStream notices) {
    this.cluster = cluster;
    this.follower = follower;
    this.tunnels = tunnels;
    this.sessionId = sessionId;
    this.notices = notices;
  }

  /**
   * Follows the request from its first placed attempt to its end; the same contract as the local
   * engine's solve.
   */
  BuildResult follow(
      BuildRequest placed,
      SolveRequest request,
      BuildSession session,
      Consumer<SolveEvent> progress,
      BuildCancellation cancellation)
      throws BuildFailedException, InterruptedException {
    int allowed = placed.getSpec().getRetries() + 1;
    AttemptProgress shown = null;
    String reattached = null;
    // Each attempt is attached at most twice; the operator bounds the attempts by spec.retries.
    for (int attach = 0; attach < 2 * allowed && !BuildOutcome.isFinal(placed); attach++) {
      BuildRequestStatus status = placed.getStatus();
      String buildId = status.getBuildId();
      String pod = status.getBuilderPod();
      shown =
          shown != null && shown.buildId.equals(buildId)
              ? shown.replayed()
              : new AttemptProgress(buildId, progress);
      LostEvents lost = new LostEvents();
      String reason;
      try (BuilderTunnel tunnel = tunnels.apply(placed)) {
        return tunnel
            .builder()
            .attach(
                sessionId,
                request.toBuilder().setBuildId(buildId).build(),
                session,
                shown,
                cancellation,
                lost);
      } catch (BuildFailedException e) {
        if (!lost.explains(e) || (cancellation.isCancelled() && !lost.refused())) {
          throw e;
        }
        if (cancellation.isCancelled()) {
          // spec.cancel is set: the operator ends the request, whichever attempt runs
          return BuildOutcome.result(follower.lastEvent(cancellation));
        }
        reason = e.error().getMessage();
      }
      BuildRequest now = follower.current();
      if (sameAttemptRunning(now, buildId) && !buildId.equals(reattached) && ready(pod)) {
        reattached = buildId;
        notices.println(
            "Lost the connection to builder pod "
                + pod
                + " ("
                + reason
                + "); attaching again to attempt "
                + status.getAttempts());
        placed = now;
        continue;
      }
      placed = follower.awaitRetry(status, reason, cancellation);
    }
    return BuildOutcome.result(
        BuildOutcome.isFinal(placed) ? BuildOutcome.of(placed) : follower.lastEvent(cancellation));
  }

  private static boolean sameAttemptRunning(BuildRequest now, String buildId) {
    return now.getStatus() != null
        && now.getStatus().getPhase() == BuildPhase.RUNNING
        && buildId.equals(now.getStatus().getBuildId());
  }

  private boolean ready(String pod) {
    Pod p = cluster.client().pods().inNamespace(cluster.namespace()).withName(pod).get();
    return p != null && Readiness.isPodReady(p);
  }

  /**
   * The progress of one attempt. Control.Status replays a build's events from its start, so
   * attaching again to the same build skips those already shown.
   */
  private static final class AttemptProgress implements Consumer<SolveEvent> {
    final String buildId;
    private final Consumer<SolveEvent> progress;
    private int shown;
    private int toSkip;

    AttemptProgress(String buildId, Consumer<SolveEvent> progress) {
      this.buildId = buildId;
      this.progress = progress;
    }

    AttemptProgress replayed() {
      toSkip = shown;
      return this;
    }

    @Override
    public void accept(SolveEvent event) {
      if (toSkip > 0) {
        toSkip--;
        return;
      }
      shown++;
      progress.accept(event);
    }
  }
}
