package dev.slipway.operator.build;

import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestStatus;
import dev.slipway.api.resource.Builder;
import dev.slipway.api.resource.SlipwayResources;
import dev.slipway.operator.auth.GrantCredentials;
import dev.slipway.operator.control.BuilderPod;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Admits a BuildRequest that is not placed yet: reports it invalid, queues it behind earlier
 * requests for its Builder, or starts its next attempt on the pod {@link BuildScheduler} chooses.
 */
final class BuildPlacement {

  /** Rechecks a request that names something missing (it may be created later). */
  static final Duration INVALID_RECHECK = Duration.ofSeconds(30);

  /** Rechecks queued requests even without a wake-up (a pod's load may change on its own). */
  static final Duration QUEUE_RECHECK = Duration.ofSeconds(5);

  private final BuilderPodDirectory pods;
  private final BuildLauncher launcher;
  private final BuildScheduler scheduler;
  private final QueueIndex queue;
  private final BuildRuns runs;

  BuildPlacement(
      BuilderPodDirectory pods,
      BuildLauncher launcher,
      BuildScheduler scheduler,
      QueueIndex queue,
      BuildRuns runs) {
    this.pods = pods;
    this.launcher = launcher;
    this.scheduler = scheduler;
    this.queue = queue;
    this.runs = runs;
  }

  /**
   * Starts the request's next attempt if a slot is free and the request is next, else queues it.
   */
  UpdateControl<BuildRequest> place(
      BuildRequest request, Context<BuildRequest> context, Builder builder) {
    String namespace = request.getMetadata().getNamespace();
    String builderName = builder.getMetadata().getName();
    List<BuilderPod> builderPods = pods.placeable(context.getClient(), namespace, builderName);
    BuildLauncher.Inputs inputs = BuildLauncher.inputs(request, context.getClient());
    int attempt = BuildStatuses.attempts(request) + 1;
    String buildId = request.getMetadata().getUid() + "-" + attempt;
    String key = QueueIndex.builderKey(request);
    var decision =
        scheduler.decide(
            key,
            request,
            queue.waiting(key),
            builderPods,
            builder.getSpec().getMaxParallelBuilds(),
            inputs.cache(),
            load -> launcher.run(request, buildId, attempt, load.pod(), inputs.contextKey()));
    return switch (decision) {
      case BuildScheduler.Queued q when q.readyPods() == 0 ->
          waitingForPod(request, context, builder);
      case BuildScheduler.Queued q -> queued(request, context, builderName, q);
      case BuildScheduler.Placed p -> start(request, context, builder, inputs, p);
    };
  }

  /** The request names something that does not exist or is wrong: says what, and looks again. */
  UpdateControl<BuildRequest> invalid(
      BuildRequest request, Context<BuildRequest> context, String problem) {
    BuildStatuses.change(
        request, context, BuildStatuses.copy(request), PhaseChange.invalid(problem));
    return UpdateControl.<BuildRequest>noUpdate().rescheduleAfter(INVALID_RECHECK);
  }

  private UpdateControl<BuildRequest> queued(
      BuildRequest request,
      Context<BuildRequest> context,
      String builderName,
      BuildScheduler.Queued queued) {
    BuildRequestStatus status = BuildStatuses.copy(request);
    String message =
        "waiting for a free slot on Builder " + builderName + ": position " + queued.position();
    status.setQueuePosition(queued.position());
    BuildStatuses.change(
        request, context, status, PhaseChange.progress(BuildPhase.QUEUED, "Queued", message));
    return UpdateControl.<BuildRequest>noUpdate().rescheduleAfter(QUEUE_RECHECK);
  }

  /**
   * The Builder has no pod that may take a build: it is scaled to zero, its pods are starting, or
   * all of them drain. The request waits in its own phase; the autoscaler counts it and scales up.
   */
  UpdateControl<BuildRequest> waitingForPod(
      BuildRequest request, Context<BuildRequest> context, Builder builder) {
    BuildStatuses.change(
        request,
        context,
        BuildStatuses.copy(request),
        PhaseChange.progress(BuildPhase.WAITING_FOR_POD, "WaitingForPod", noPodMessage(builder)));
    return UpdateControl.<BuildRequest>noUpdate().rescheduleAfter(QUEUE_RECHECK);
  }

  /** Says why the Builder has no pod and whether one is coming. */
  static String noPodMessage(Builder builder) {
    String name = builder.getMetadata().getName();
    String look = " (kubectl get builder " + name + ")";
    if (builder.getSpec().getAutoscaling() != null) {
      return "waiting for a pod of Builder "
          + name
          + ": it has none ready and is being scaled up"
          + look;
    }
    if (builder.getSpec().getReplicas() == 0) {
      return "waiting for a pod of Builder "
          + name
          + ": it has spec.replicas 0; scale it up (kubectl scale builder "
          + name
          + " --replicas=1) or set spec.autoscaling";
    }
    return "waiting for a pod of Builder " + name + ": none is ready yet" + look;
  }

  private UpdateControl<BuildRequest> start(
      BuildRequest request,
      Context<BuildRequest> context,
      Builder builder,
      BuildLauncher.Inputs inputs,
      BuildScheduler.Placed placed) {
    BuildRun run = placed.run();
    BuildRequestStatus status = BuildStatuses.copy(request);
    status.setBuilderPod(run.pod().name());
    // in the same status write as the pod: the scale test counts API requests per build
    status.setPlacement(placed.choice().status());
    status.setBuildId(run.buildId());
    // kept after the end: `slipway history` follows it to the pod that keeps the record
    status.setHistoryRef(run.pod().name() + "/" + run.buildId());
    status.setAttempts(run.attempt());
    status.setStartTime(Instant.now().toString());
    status.setCompletionTime(null);
    status.setSteps(null);
    status.setResult(null);
    String attempt =
        " (attempt " + run.attempt() + " of " + (request.getSpec().getRetries() + 1) + ")";
    status.setSessionSecret(SlipwayResources.sessionSecret(request.getMetadata().getName()));
    GrantCredentials grant;
    try {
      // The session Secret holds this attempt's grant before the status names the pod (the CLI
      // reads it then); the status names pod and build id before Solve is sent: a restarted
      // operator finds it.
      grant = launcher.grant(request, run, context.getClient());
      // One event per attempt says where and why (it replaces a separate "Started" event).
      BuildStatuses.change(
          request,
          context,
          status,
          PhaseChange.progress(
                  BuildPhase.RUNNING, "Placed", "building on pod " + run.pod().name() + attempt)
              .withEventMessage(placed.choice().message() + attempt));
    } catch (RuntimeException e) {
      runs.remove(request.getMetadata().getUid());
      throw e;
    }
    launcher.solve(request, context.getClient(), builder, inputs.configMap(), run, grant);
    return UpdateControl.<BuildRequest>noUpdate()
        .rescheduleAfter(BuildDeadlines.nextCheck(request, status));
  }
}
