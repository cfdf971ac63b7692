package dev.slipway.operator.build;

import dev.slipway.api.control.v1.BuildSummary;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestStatus;
import dev.slipway.api.resource.Builder;
import dev.slipway.operator.control.BuilderClient;
import dev.slipway.operator.control.BuilderPod;
import io.grpc.StatusRuntimeException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * Follows a placed build into its request's status: shows its progress, hands its end to {@link
 * BuildEndings}, notices a lost pod or a passed deadline, and after an operator restart or a broken
 * stream re-attaches to the build on its pod instead of starting it twice.
 */
final class BuildFollower {

  private static final Logger LOG = Logger.getLogger(BuildFollower.class);

  /** How often a build that succeeded looks whether its outputs to volumes are written. */
  private static final Duration OUTPUTS_POLL = Duration.ofSeconds(1);

  private final BuilderClient client;
  private final BuildRuns runs;
  private final BuilderPodDirectory pods;
  private final BuildLauncher launcher;
  private final BuildEndings endings;

  BuildFollower(
      BuilderClient client,
      BuildRuns runs,
      BuilderPodDirectory pods,
      BuildLauncher launcher,
      BuildEndings endings) {
    this.client = client;
    this.runs = runs;
    this.pods = pods;
    this.launcher = launcher;
    this.endings = endings;
  }

  /** One look at a run the operator follows. */
  UpdateControl<BuildRequest> follow(
      BuildRequest request, Context<BuildRequest> context, BuildRun run) {
    BuildRun.Snapshot snapshot = run.snapshot();
    BuildRequestStatus status = BuildStatuses.copy(request);
    BuildStatuses.progress(status, snapshot);
    boolean writingOutputs = false;
    switch (snapshot.state()) {
      case SUCCEEDED -> {
        var ended =
            endings.succeeded(request, context, status, run, snapshot.result().getImageDigest());
        if (ended.isPresent()) {
          return ended.get();
        }
        writingOutputs = true;
      }
      case FAILED -> {
        return endings.finish(request, context, status, BuildEnding.failed(snapshot.error()));
      }
      case CANCELLED -> {
        if (!Boolean.TRUE.equals(request.getSpec().getCancel())) {
          // Nobody asked: the builder stopped it itself (shutting down as its pod is deleted).
          // That is a lost pod, not a user's cancel, so the request's retries apply.
          return endings.retryOrFail(
              request, context, run.pod().name(), snapshot.error().getMessage());
        }
        return endings.finish(
            request,
            context,
            status,
            BuildEnding.cancelledOnBuilder(snapshot.error().getMessage()));
      }
      case DISCONNECTED -> {
        return lost(request, context, run, snapshot.disconnectReason());
      }
      default -> {}
    }
    if (!pods.exists(request, run.pod().name())) {
      return lost(request, context, run, "the pod was deleted");
    }
    if (!BuildDeadlines.left(request, status, Instant.now()).isPositive()) {
      return endings.timeOut(request, context, status, run);
    }
    BuildStatuses.write(request, context, status);
    Duration next = BuildDeadlines.nextCheck(request, status);
    // the builder is done; what is left is the writer pod's, which wakes nobody
    return UpdateControl.<BuildRequest>noUpdate()
        .rescheduleAfter(writingOutputs && next.compareTo(OUTPUTS_POLL) > 0 ? OUTPUTS_POLL : next);
  }

  /** After an operator restart: finds the build on its pod instead of starting it again. */
  UpdateControl<BuildRequest> reattach(
      BuildRequest request, Context<BuildRequest> context, Builder builder) {
    BuildRequestStatus status = request.getStatus();
    Optional<BuilderPod> pod = pods.find(context.getClient(), request, status.getBuilderPod());
    // Any pod that exists is asked: one draining (deleted, or sent SIGTERM and so unready) still
    // runs its builds and answers for them; readiness matters only for new placements.
    Optional<BuildSummary> known = pod.flatMap(p -> knownBuild(p, status.getBuildId()));
    if (known.isEmpty() && (pod.isEmpty() || !pod.get().ready())) {
      return endings.retryOrFail(
          request, context, status.getBuilderPod(), "the pod is gone or not ready");
    }
    BuildLauncher.Inputs inputs = BuildLauncher.inputs(request, context.getClient());
    BuildRun run =
        launcher.run(
            request,
            status.getBuildId(),
            BuildStatuses.attempts(request),
            pod.get(),
            inputs.contextKey());
    runs.put(request.getMetadata().getUid(), run);
    if (known.isPresent()) {
      LOG.infof(
          "build %s/%s: re-attaching to %s on pod %s",
          request.getMetadata().getNamespace(),
          request.getMetadata().getName(),
          status.getBuildId(),
          pod.get().name());
      launcher.watch(run);
    } else {
      // The status was written but the operator stopped before Solve reached the pod.
      launcher.solve(
          request,
          context.getClient(),
          builder,
          inputs.configMap(),
          run,
          launcher.grant(request, run, context.getClient()));
    }
    return UpdateControl.<BuildRequest>noUpdate()
        .rescheduleAfter(BuildDeadlines.nextCheck(request, status));
  }

  /**
   * The stream broke: re-attach if the pod still has the build (draining or not), place it on
   * another pod if the pod refused it as draining, else retry or give up.
   */
  private UpdateControl<BuildRequest> lost(
      BuildRequest request, Context<BuildRequest> context, BuildRun run, String why) {
    Optional<BuilderPod> pod = pods.find(context.getClient(), request, run.pod().name());
    if (pod.flatMap(p -> knownBuild(p, run.buildId())).isPresent()) {
      // Only the stream broke: the build's session (and its outputs to volumes) stays.
      endings.detach(request);
      BuildRun again = launcher.again(request, run, pod.get());
      runs.put(request.getMetadata().getUid(), again);
      launcher.watch(again);
      return UpdateControl.<BuildRequest>noUpdate()
          .rescheduleAfter(BuildDeadlines.nextCheck(request, request.getStatus()));
    }
    if (refusedAsLeaving(run.refusedUnavailable(), pod, this::draining)) {
      // It got SIGTERM (or went) between the operator's Info and the Solve: not a failed attempt.
      return endings.placeElsewhere(request, context, run);
    }
    endings.release(request);
    return endings.retryOrFail(request, context, run.pod().name(), why);
  }

  /**
   * Whether a Solve the pod refused as unavailable never ran because the pod was leaving: it is
   * gone (scaled down or replaced after placement chose it), being deleted, or says it drains.
   */
  static boolean refusedAsLeaving(
      boolean refusedUnavailable, Optional<BuilderPod> pod, Predicate<BuilderPod> saysDraining) {
    return refusedUnavailable
        && (pod.isEmpty() || pod.get().terminating() || saysDraining.test(pod.get()));
  }

  /** Whether the pod says it drains; one that does not answer cannot say so. */
  private boolean draining(BuilderPod pod) {
    try {
      return client.info(pod).getDraining();
    } catch (StatusRuntimeException e) {
      return false;
    }
  }

  /** The pod's summary of the build; empty if it does not know it or does not answer. */
  private Optional<BuildSummary> knownBuild(BuilderPod pod, String buildId) {
    try {
      return client.listBuilds(pod).getBuildsList().stream()
          .filter(b -> b.getBuildId().equals(buildId))
          .findFirst();
    } catch (StatusRuntimeException e) {
      LOG.debugf("ListBuilds on %s failed: %s", pod.name(), e.getStatus());
      return Optional.empty();
    }
  }
}
