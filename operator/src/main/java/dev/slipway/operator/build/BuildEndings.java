package dev.slipway.operator.build;

import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestStatus;
import dev.slipway.operator.control.BuilderClient;
import dev.slipway.operator.control.BuilderPod;
import dev.slipway.operator.output.VolumeOutputs;
import dev.slipway.operator.output.VolumeTarget;
import dev.slipway.operator.output.VolumeWriterPod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.StatusRuntimeException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Ends attempts and requests: success, failure, cancel, timeout, a lost pod (retried while
 * spec.retries allows), deletion and expiry after spec.ttlSecondsAfterFinished. Whatever the end,
 * {@link #release} frees what the attempt held, and the Builder's waiting requests are woken.
 */
final class BuildEndings {

  private static final Logger LOG = Logger.getLogger(BuildEndings.class);

  private final BuilderClient client;
  private final BuildRuns runs;
  private final PodLoads loads;
  private final BuildSessions sessions;
  private final QueueIndex queue;
  private final BuildWakeups wakeups;
  private final BuilderPodDirectory pods;

  BuildEndings(
      BuilderClient client,
      BuildRuns runs,
      PodLoads loads,
      BuildSessions sessions,
      QueueIndex queue,
      BuildWakeups wakeups,
      BuilderPodDirectory pods) {
    this.client = client;
    this.runs = runs;
    this.loads = loads;
    this.sessions = sessions;
    this.queue = queue;
    this.wakeups = wakeups;
    this.pods = pods;
  }

  /** spec.cancel was set: stops the build on its pod, if it runs, and ends the request. */
  UpdateControl<BuildRequest> cancel(
      BuildRequest request, Context<BuildRequest> context, Optional<BuildRun> run) {
    stopRemote(request, context.getClient(), run, "spec.cancel was set");
    return finish(request, context, null, BuildEnding.cancelled());
  }

  /**
   * The build succeeded on its pod: ends the request once its outputs to volumes are written, or
   * fails it when writing them failed. Empty while they are still being written.
   */
  Optional<UpdateControl<BuildRequest>> succeeded(
      BuildRequest request,
      Context<BuildRequest> context,
      BuildRequestStatus progress,
      BuildRun run,
      String digest) {
    if (!VolumeTarget.of(request.getSpec()).isEmpty()) {
      Optional<VolumeOutputs> outputs = sessions.volumeOutputs(run);
      if (outputs.isEmpty()) {
        return Optional.of(
            finish(
                request,
                context,
                progress,
                BuildEnding.outputsFailed(
                    "the operator restarted while the build ran, and its outputs to volumes went"
                        + " to the session of the one before; build again")));
      }
      Optional<String> failure = outputs.get().failure();
      if (failure.isPresent()) {
        return Optional.of(
            finish(request, context, progress, BuildEnding.outputsFailed(failure.get())));
      }
      if (!outputs.get().complete()) {
        return Optional.empty();
      }
    }
    return Optional.of(finish(request, context, progress, BuildEnding.succeeded(digest)));
  }

  /** The build ran past spec.timeoutSeconds: stops it on its pod and fails the request. */
  UpdateControl<BuildRequest> timeOut(
      BuildRequest request,
      Context<BuildRequest> context,
      BuildRequestStatus progress,
      BuildRun run) {
    stopRemote(request, context.getClient(), Optional.of(run), "timed out");
    return finish(
        request, context, progress, BuildEnding.timedOut(request.getSpec().getTimeoutSeconds()));
  }

  /** The request is being deleted: stops its build if it still runs and frees its slot. */
  void deleted(BuildRequest request, KubernetesClient kube) {
    if (!QueueIndex.isUnfinished(request)) {
      return;
    }
    deleteWriterPods(request, kube);
    stopRemote(
        request, kube, runs.get(request.getMetadata().getUid()), "the BuildRequest was deleted");
    releaseAndWakeQueue(request);
  }

  /**
   * Ends the request in the ending's phase.
   *
   * @param progress the status with the run's last progress, or null for the current status
   */
  UpdateControl<BuildRequest> finish(
      BuildRequest request,
      Context<BuildRequest> context,
      BuildRequestStatus progress,
      BuildEnding ending) {
    releaseAndWakeQueue(request);
    deleteWriterPods(request, context.getClient());
    BuildRequestStatus status = progress != null ? progress : BuildStatuses.copy(request);
    BuildStatuses.change(request, context, status, ending.change());
    LOG.infof(
        "build %s/%s: %s: %s",
        request.getMetadata().getNamespace(),
        request.getMetadata().getName(),
        ending.phase().wireName(),
        ending.message());
    return expire(request, context);
  }

  /** The attempt's pod was lost: starts the next attempt if spec.retries allows, else fails. */
  UpdateControl<BuildRequest> retryOrFail(
      BuildRequest request, Context<BuildRequest> context, String podName, String why) {
    releaseAndWakeQueue(request);
    int attempts = BuildStatuses.attempts(request);
    int allowed = request.getSpec().getRetries() + 1;
    BuildRequestStatus status = BuildStatuses.copy(request);
    if (attempts >= allowed) {
      return finish(
          request,
          context,
          status,
          BuildEnding.podLost(
              podName, why, attempts, allowed, request.getSpec().getBuilderRef().getName()));
    }
    String message =
        "builder pod "
            + podName
            + " was lost mid-build ("
            + why
            + "); starting attempt "
            + (attempts + 1)
            + " of "
            + allowed;
    status.setBuilderPod(null);
    status.setPlacement(null);
    status.setBuildId(null);
    status.setStartTime(null);
    status.setSteps(null);
    BuildStatuses.change(
        request, context, status, PhaseChange.trouble(BuildPhase.PENDING, "Retrying", message));
    wakeups.now(ResourceID.fromResource(request));
    return UpdateControl.noUpdate();
  }

  /**
   * The attempt's pod refused the build because it drains: the build never ran, so the request goes
   * back to placement with the same attempt number, which another pod then takes.
   */
  UpdateControl<BuildRequest> placeElsewhere(
      BuildRequest request, Context<BuildRequest> context, BuildRun run) {
    releaseAndWakeQueue(request);
    String message =
        "builder pod "
            + run.pod().name()
            + " is draining and took no new build; placing the build on another pod";
    BuildRequestStatus status = BuildStatuses.copy(request);
    status.setAttempts(run.attempt() - 1);
    status.setBuilderPod(null);
    status.setPlacement(null);
    status.setBuildId(null);
    // the pod ran nothing, so it keeps no record of it
    status.setHistoryRef(null);
    status.setStartTime(null);
    status.setSteps(null);
    BuildStatuses.change(
        request, context, status, PhaseChange.progress(BuildPhase.PENDING, "Rescheduled", message));
    LOG.infof(
        "build %s/%s: %s",
        request.getMetadata().getNamespace(), request.getMetadata().getName(), message);
    wakeups.now(ResourceID.fromResource(request));
    return UpdateControl.noUpdate();
  }

  /**
   * Stops following the request's attempt, if the operator follows one, and frees what it held: its
   * stream, its place in {@link BuildRuns}, its session and the pod's cached load.
   */
  void release(BuildRequest request) {
    String uid = request.getMetadata().getUid();
    runs.get(uid)
        .ifPresent(
            run -> {
              run.detach();
              runs.remove(uid);
              sessions.close(run);
              loads.invalidate(run.pod().endpoint());
            });
  }

  /**
   * Stops following the request's attempt but keeps its session: the build goes on on its pod,
   * which still asks that session (for secrets) and sends it outputs (to volumes).
   */
  void detach(BuildRequest request) {
    String uid = request.getMetadata().getUid();
    runs.get(uid)
        .ifPresent(
            run -> {
              run.detach();
              runs.remove(uid);
              loads.invalidate(run.pod().endpoint());
            });
  }

  /** Releases the request's attempt and wakes the Builder's queue: a slot may have freed up. */
  private void releaseAndWakeQueue(BuildRequest request) {
    release(request);
    queue.wake(QueueIndex.builderKey(request));
  }

  /**
   * Deletes the request's output writer pods, also one an operator before this one started; the
   * request owns them, so they would go with it anyway, but a finished request may stay for long.
   */
  private static void deleteWriterPods(BuildRequest request, KubernetesClient kube) {
    if (VolumeTarget.of(request.getSpec()).isEmpty()) {
      return;
    }
    try {
      VolumeWriterPod.deleteAll(kube, request);
    } catch (RuntimeException e) {
      LOG.infof(
          "build %s/%s: deleting its output writer pods: %s",
          request.getMetadata().getNamespace(), request.getMetadata().getName(), e.getMessage());
    }
  }

  /** Deletes a finished request once spec.ttlSecondsAfterFinished passed; else looks again then. */
  UpdateControl<BuildRequest> expire(BuildRequest request, Context<BuildRequest> context) {
    Integer ttl = request.getSpec().getTtlSecondsAfterFinished();
    BuildRequestStatus status = request.getStatus();
    if (ttl == null || status == null || status.getCompletionTime() == null) {
      return UpdateControl.noUpdate();
    }
    Duration left =
        Duration.between(Instant.now(), Instant.parse(status.getCompletionTime()).plusSeconds(ttl));
    if (left.isPositive()) {
      return UpdateControl.<BuildRequest>noUpdate().rescheduleAfter(left);
    }
    LOG.infof(
        "build %s/%s: deleting, %ds after it finished (spec.ttlSecondsAfterFinished)",
        request.getMetadata().getNamespace(), request.getMetadata().getName(), ttl);
    context.getClient().resource(request).delete();
    return UpdateControl.noUpdate();
  }

  /** Cancels the build on its pod, if it runs; the pod may be gone already. */
  private void stopRemote(
      BuildRequest request, KubernetesClient kube, Optional<BuildRun> run, String reason) {
    BuildRequestStatus status = request.getStatus();
    Optional<BuilderPod> pod = run.map(BuildRun::pod);
    String buildId = run.map(BuildRun::buildId).orElse(status == null ? null : status.getBuildId());
    if (pod.isEmpty() && status != null && status.getBuilderPod() != null) {
      pod = pods.find(kube, request, status.getBuilderPod());
    }
    run.ifPresent(BuildRun::detach);
    if (pod.isPresent() && buildId != null) {
      try {
        client.cancel(pod.get(), buildId, reason);
      } catch (StatusRuntimeException e) {
        LOG.infof(
            "could not cancel %s on pod %s (%s); it is gone or already over",
            buildId, pod.get().name(), e.getStatus().getCode());
      }
    }
  }
}
