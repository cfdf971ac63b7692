package dev.slipway.operator.build;

import dev.slipway.api.control.v1.BuildError;
import dev.slipway.api.control.v1.BuildSummary;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestStatus;
import dev.slipway.api.resource.Builder;
import dev.slipway.operator.Conditions;
import dev.slipway.operator.KubeEvents;
import dev.slipway.operator.builder.BuilderNames;
import dev.slipway.operator.builder.BuilderPods;
import dev.slipway.operator.control.BuilderClient;
import dev.slipway.operator.control.BuilderPod;
import dev.slipway.operator.control.BuilderToken;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.grpc.StatusRuntimeException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Runs BuildRequests: validates them, places them on a pod of their Builder (or queues them), calls
 * Control.Solve, follows the progress into the status, and handles cancellation, timeouts, lost
 * pods (retries) and expiry.
 *
 * <p>A build's id on the builder is the request's uid and attempt number, and the status names pod
 * and id before Solve is sent; so an operator that restarts re-attaches to the build with
 * ListBuilds and Status instead of starting it twice.
 */
@ControllerConfiguration(name = "buildrequest")
public class BuildRequestReconciler implements Reconciler<BuildRequest>, Cleaner<BuildRequest> {

  private static final Logger LOG = Logger.getLogger(BuildRequestReconciler.class);
  static final String BY_BUILDER = "slipway.dev/by-builder";

  /** Rechecks a request that names something missing (it may be created later). */
  static final Duration INVALID_RECHECK = Duration.ofSeconds(30);

  /** Rechecks queued requests even without a wake-up (a pod's load may change on its own). */
  static final Duration QUEUE_RECHECK = Duration.ofSeconds(5);

  private final BuilderClient client;
  private final BuilderPods builderPods;
  private final BuildRuns runs;
  private final PodLoads loads;
  private final BuildScheduler scheduler;
  private final BuildSessions sessions;
  private final BuildWakeups wakeups = new BuildWakeups();
  private volatile IndexerResourceCache<BuildRequest> requests;
  private volatile InformerEventSource<Pod, BuildRequest> podInformer;

  public BuildRequestReconciler(BuilderClient client, BuilderPods builderPods, BuildRuns runs) {
    this.client = client;
    this.builderPods = builderPods;
    this.runs = runs;
    this.loads = new PodLoads(client, runs);
    this.scheduler = new BuildScheduler(loads, runs);
    this.sessions = new BuildSessions(client);
  }

  @Override
  public List<EventSource<?, BuildRequest>> prepareEventSources(
      EventSourceContext<BuildRequest> context) {
    requests = context.getPrimaryCache();
    requests.addIndexer(BY_BUILDER, r -> List.of(builderKey(r)));
    var builders =
        InformerEventSourceConfiguration.from(Builder.class, BuildRequest.class)
            .withName("builders")
            .withSecondaryToPrimaryMapper(
                b -> unfinished(b.getMetadata().getNamespace() + "/" + b.getMetadata().getName()))
            .withPrimaryToSecondaryMapper(
                (BuildRequest r) ->
                    Set.of(
                        new ResourceID(
                            r.getSpec().getBuilderRef().getName(), r.getMetadata().getNamespace())))
            .build();
    var pods =
        InformerEventSourceConfiguration.from(Pod.class, BuildRequest.class)
            .withName("builder-pods")
            .withLabelSelector(BuilderNames.BUILDER_LABEL)
            .withSecondaryToPrimaryMapper(
                p ->
                    unfinished(
                        p.getMetadata().getNamespace()
                            + "/"
                            + p.getMetadata().getLabels().get(BuilderNames.BUILDER_LABEL)))
            .build();
    podInformer = new InformerEventSource<>(pods, context);
    return List.of(new InformerEventSource<>(builders, context), podInformer, wakeups);
  }

  @Override
  public UpdateControl<BuildRequest> reconcile(
      BuildRequest request, Context<BuildRequest> context) {
    BuildRequestStatus status = request.getStatus();
    BuildPhase phase = status == null ? null : status.getPhase();
    if (phase != null && phase.isFinal()) {
      return expire(request, context);
    }
    Optional<BuildRun> run = runs.get(request.getMetadata().getUid());
    if (Boolean.TRUE.equals(request.getSpec().getCancel())) {
      stopRemote(request, context, run, "spec.cancel was set");
      return finish(
          request,
          context,
          null,
          BuildPhase.CANCELLED,
          "cancelled: spec.cancel was set",
          "Cancelled");
    }
    if (run.isPresent()) {
      return follow(request, context, run.get());
    }
    Optional<Builder> builder = context.getSecondaryResource(Builder.class);
    Optional<String> problem = BuildValidator.problem(request, builder, context.getClient());
    if (problem.isPresent()) {
      return invalid(request, context, problem.get());
    }
    if (phase == BuildPhase.RUNNING && status.getBuildId() != null) {
      return reattach(request, context, builder.get());
    }
    return schedule(request, context, builder.get());
  }

  @Override
  public DeleteControl cleanup(BuildRequest request, Context<BuildRequest> context) {
    BuildRequestStatus status = request.getStatus();
    if (status == null || status.getPhase() == null || !status.getPhase().isFinal()) {
      stopRemote(
          request,
          context,
          runs.get(request.getMetadata().getUid()),
          "the BuildRequest was deleted");
    }
    wakeups.forget(ResourceID.fromResource(request));
    return DeleteControl.defaultDelete();
  }

  /** The BuildRequests in the informer cache (empty before the operator started), for metrics. */
  public java.util.stream.Stream<BuildRequest> cachedRequests() {
    IndexerResourceCache<BuildRequest> cache = requests;
    return cache == null ? java.util.stream.Stream.empty() : cache.list();
  }

  // ---------------------------------------------------------------------------------------------
  // Scheduling

  private UpdateControl<BuildRequest> schedule(
      BuildRequest request, Context<BuildRequest> context, Builder builder) {
    String namespace = request.getMetadata().getNamespace();
    String builderName = builder.getMetadata().getName();
    Optional<BuilderToken> token = builderPods.token(context.getClient(), namespace, builderName);
    List<BuilderPod> pods =
        token
            .map(t -> BuilderPods.of(podsOf(context, namespace, builderName), builderName, t))
            .orElse(List.of());
    ConfigMap configMap =
        request.getSpec().getContext().getConfigMap() == null
            ? null
            : BuildValidator.configMap(
                context.getClient(),
                namespace,
                request.getSpec().getContext().getConfigMap().getName());
    var buildContext = SolveRequests.context(request.getSpec().getContext(), configMap);
    var client = request.getSpec().getContext().getClient();
    String contextKey =
        ContextKeys.of(buildContext, client == null ? null : client.getAffinityKey());
    int attempt = attempts(request) + 1;
    String buildId = request.getMetadata().getUid() + "-" + attempt;
    String key = builderKey(request);
    List<BuildRequest> waiting =
        requests.byIndex(BY_BUILDER, key).stream().filter(this::isWaiting).toList();

    var decision =
        scheduler.decide(
            key,
            request,
            waiting,
            pods,
            builder.getSpec().getMaxParallelBuilds(),
            contextKey,
            load ->
                new BuildRun(
                    ResourceID.fromResource(request),
                    key,
                    buildId,
                    attempt,
                    load.pod(),
                    contextKey,
                    this::changed));
    return switch (decision) {
      case BuildScheduler.Queued q -> queued(request, context, builderName, q);
      case BuildScheduler.Placed p -> start(request, context, builder, configMap, p.run());
    };
  }

  private UpdateControl<BuildRequest> queued(
      BuildRequest request,
      Context<BuildRequest> context,
      String builderName,
      BuildScheduler.Queued queued) {
    BuildRequestStatus status = BuildStatuses.copy(request);
    boolean wasQueued = status.getPhase() == BuildPhase.QUEUED;
    String message =
        queued.readyPods() == 0
            ? "waiting for a ready pod of Builder "
                + builderName
                + " (kubectl get builder "
                + builderName
                + ")"
            : "waiting for a free slot on Builder "
                + builderName
                + ": position "
                + queued.position();
    BuildStatuses.phase(request, status, BuildPhase.QUEUED, message);
    status.setQueuePosition(queued.position());
    write(request, context, status);
    if (!wasQueued) {
      KubeEvents.normal(context.getClient(), request, "Queued", message);
    }
    return UpdateControl.<BuildRequest>noUpdate().rescheduleAfter(QUEUE_RECHECK);
  }

  private UpdateControl<BuildRequest> start(
      BuildRequest request,
      Context<BuildRequest> context,
      Builder builder,
      ConfigMap configMap,
      BuildRun run) {
    BuildRequestStatus status = BuildStatuses.copy(request);
    status.setBuilderPod(run.pod().name());
    status.setBuildId(run.buildId());
    status.setAttempts(run.attempt());
    status.setStartTime(Instant.now().toString());
    status.setCompletionTime(null);
    status.setSteps(null);
    status.setResult(null);
    String message =
        "building on pod "
            + run.pod().name()
            + " (attempt "
            + run.attempt()
            + " of "
            + (request.getSpec().getRetries() + 1)
            + ")";
    BuildStatuses.phase(request, status, BuildPhase.RUNNING, message);
    try {
      // The status names pod and build id before Solve is sent: a restarted operator finds it.
      write(request, context, status);
    } catch (RuntimeException e) {
      runs.remove(request.getMetadata().getUid());
      throw e;
    }
    KubeEvents.normal(context.getClient(), request, "Started", message);
    solve(request, context, builder, configMap, run);
    return UpdateControl.<BuildRequest>noUpdate().rescheduleAfter(nextCheck(request, status));
  }

  private void solve(
      BuildRequest request,
      Context<BuildRequest> context,
      Builder builder,
      ConfigMap configMap,
      BuildRun run) {
    String sessionId = sessions.open(request, builder, run, context.getClient());
    SolveRequest solve =
        SolveRequests.of(request, run.buildId(), builder, configMap, sessionId, run.contextKey());
    LOG.infof(
        "build %s/%s: Solve %s on pod %s",
        request.getMetadata().getNamespace(),
        request.getMetadata().getName(),
        run.buildId(),
        run.pod().name());
    run.follow(() -> client.solve(run.pod(), solve, run));
  }

  // ---------------------------------------------------------------------------------------------
  // Following a running build

  private UpdateControl<BuildRequest> follow(
      BuildRequest request, Context<BuildRequest> context, BuildRun run) {
    BuildRun.Snapshot snapshot = run.snapshot();
    BuildRequestStatus status = BuildStatuses.copy(request);
    BuildStatuses.progress(status, snapshot);
    switch (snapshot.state()) {
      case SUCCEEDED -> {
        return finish(
            request,
            context,
            status,
            BuildPhase.SUCCEEDED,
            "built " + snapshot.result().getImageDigest(),
            "Succeeded");
      }
      case FAILED -> {
        return finish(
            request, context, status, BuildPhase.FAILED, failure(snapshot.error()), "Failed");
      }
      case CANCELLED -> {
        if (!Boolean.TRUE.equals(request.getSpec().getCancel())) {
          // Nobody asked: the builder stopped it itself (shutting down as its pod is deleted).
          // That is a lost pod, not a user's cancel, so the request's retries apply.
          forget(request, run);
          return retryOrFail(request, context, run.pod().name(), snapshot.error().getMessage());
        }
        return finish(
            request,
            context,
            status,
            BuildPhase.CANCELLED,
            "cancelled on the builder: " + snapshot.error().getMessage(),
            "Cancelled");
      }
      case DISCONNECTED -> {
        return lost(request, context, run, snapshot.disconnectReason());
      }
      default -> {}
    }
    if (podsOf(
            context,
            request.getMetadata().getNamespace(),
            request.getSpec().getBuilderRef().getName())
        .stream()
        .noneMatch(p -> p.getMetadata().getName().equals(run.pod().name()))) {
      return lost(request, context, run, "the pod was deleted");
    }
    if (!untilDeadline(request, status).isPositive()) {
      stopRemote(request, context, Optional.of(run), "timed out");
      return finish(
          request,
          context,
          status,
          BuildPhase.FAILED,
          "timed out after "
              + request.getSpec().getTimeoutSeconds()
              + "s (spec.timeoutSeconds); raise it if the build needs longer",
          "TimedOut");
    }
    write(request, context, status);
    return UpdateControl.<BuildRequest>noUpdate().rescheduleAfter(nextCheck(request, status));
  }

  /** The stream broke: re-attach if the pod still has the build, else retry or give up. */
  private UpdateControl<BuildRequest> lost(
      BuildRequest request, Context<BuildRequest> context, BuildRun run, String reason) {
    forget(request, run);
    Optional<BuilderPod> pod = currentPod(context, request, run.pod().name());
    if (pod.isPresent() && pod.get().ready() && knownBuild(pod.get(), run.buildId()).isPresent()) {
      BuildRun again =
          new BuildRun(
              run.request(),
              run.builder(),
              run.buildId(),
              run.attempt(),
              pod.get(),
              run.contextKey(),
              this::changed);
      runs.put(request.getMetadata().getUid(), again);
      again.follow(() -> client.status(again.pod(), again.buildId(), again));
      return UpdateControl.<BuildRequest>noUpdate()
          .rescheduleAfter(nextCheck(request, request.getStatus()));
    }
    return retryOrFail(request, context, run.pod().name(), reason);
  }

  /** Stops following a run whose build is over or out of reach, and frees what it held. */
  private void forget(BuildRequest request, BuildRun run) {
    run.detach();
    runs.remove(request.getMetadata().getUid());
    sessions.close(run);
    loads.invalidate(run.pod().endpoint());
  }

  private UpdateControl<BuildRequest> retryOrFail(
      BuildRequest request, Context<BuildRequest> context, String podName, String reason) {
    wakeQueue(builderKey(request));
    int attempts = attempts(request);
    int allowed = request.getSpec().getRetries() + 1;
    BuildRequestStatus status = BuildStatuses.copy(request);
    if (attempts < allowed) {
      String message =
          "builder pod "
              + podName
              + " was lost mid-build ("
              + reason
              + "); starting attempt "
              + (attempts + 1)
              + " of "
              + allowed;
      status.setBuilderPod(null);
      status.setBuildId(null);
      status.setStartTime(null);
      status.setSteps(null);
      BuildStatuses.phase(request, status, BuildPhase.PENDING, message);
      write(request, context, status);
      KubeEvents.warning(context.getClient(), request, "Retrying", message);
      wakeups.now(ResourceID.fromResource(request));
      return UpdateControl.noUpdate();
    }
    return finish(
        request,
        context,
        status,
        BuildPhase.FAILED,
        "builder pod "
            + podName
            + " was lost mid-build ("
            + reason
            + ") on attempt "
            + attempts
            + " of "
            + allowed
            + "; check the Builder's pods (kubectl describe builder "
            + request.getSpec().getBuilderRef().getName()
            + ") or raise spec.retries",
        "PodLost");
  }

  /** After an operator restart: find the build on its pod instead of starting it again. */
  private UpdateControl<BuildRequest> reattach(
      BuildRequest request, Context<BuildRequest> context, Builder builder) {
    BuildRequestStatus status = request.getStatus();
    Optional<BuilderPod> pod = currentPod(context, request, status.getBuilderPod());
    if (pod.isEmpty() || !pod.get().ready()) {
      return retryOrFail(request, context, status.getBuilderPod(), "the pod is gone or not ready");
    }
    String key = builderKey(request);
    var client = request.getSpec().getContext().getClient();
    Optional<BuildSummary> known;
    try {
      known = knownBuild(pod.get(), status.getBuildId());
    } catch (StatusRuntimeException e) {
      return retryOrFail(
          request,
          context,
          status.getBuilderPod(),
          "ListBuilds failed: " + e.getStatus().getCode());
    }
    ConfigMap configMap =
        request.getSpec().getContext().getConfigMap() == null
            ? null
            : BuildValidator.configMap(
                context.getClient(),
                request.getMetadata().getNamespace(),
                request.getSpec().getContext().getConfigMap().getName());
    String contextKey =
        ContextKeys.of(
            SolveRequests.context(request.getSpec().getContext(), configMap),
            client == null ? null : client.getAffinityKey());
    BuildRun run =
        new BuildRun(
            ResourceID.fromResource(request),
            key,
            status.getBuildId(),
            attempts(request),
            pod.get(),
            contextKey,
            this::changed);
    runs.put(request.getMetadata().getUid(), run);
    if (known.isPresent()) {
      LOG.infof(
          "build %s/%s: re-attaching to %s on pod %s",
          request.getMetadata().getNamespace(),
          request.getMetadata().getName(),
          status.getBuildId(),
          pod.get().name());
      run.follow(() -> this.client.status(run.pod(), run.buildId(), run));
    } else {
      // The status was written but the operator stopped before Solve reached the pod.
      solve(request, context, builder, configMap, run);
    }
    return UpdateControl.<BuildRequest>noUpdate().rescheduleAfter(nextCheck(request, status));
  }

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

  // ---------------------------------------------------------------------------------------------
  // Ends

  private UpdateControl<BuildRequest> finish(
      BuildRequest request,
      Context<BuildRequest> context,
      BuildRequestStatus progress,
      BuildPhase phase,
      String message,
      String reason) {
    runs.get(request.getMetadata().getUid())
        .ifPresent(
            run -> {
              runs.remove(request.getMetadata().getUid());
              sessions.close(run);
              loads.invalidate(run.pod().endpoint());
            });
    wakeQueue(builderKey(request));
    BuildRequestStatus status = progress != null ? progress : BuildStatuses.copy(request);
    BuildStatuses.phase(request, status, phase, message);
    write(request, context, status);
    if (phase == BuildPhase.SUCCEEDED || phase == BuildPhase.CANCELLED) {
      KubeEvents.normal(context.getClient(), request, reason, message);
    } else {
      KubeEvents.warning(context.getClient(), request, reason, message);
    }
    LOG.infof(
        "build %s/%s: %s: %s",
        request.getMetadata().getNamespace(),
        request.getMetadata().getName(),
        phase.wireName(),
        message);
    return expire(request, context);
  }

  /** Cancels the build on its pod, if it runs; the pod may be gone already. */
  private void stopRemote(
      BuildRequest request, Context<BuildRequest> context, Optional<BuildRun> run, String reason) {
    BuildRequestStatus status = request.getStatus();
    Optional<BuilderPod> pod = run.map(BuildRun::pod);
    String buildId = run.map(BuildRun::buildId).orElse(status == null ? null : status.getBuildId());
    if (pod.isEmpty() && status != null && status.getBuilderPod() != null) {
      pod = currentPod(context, request, status.getBuilderPod());
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

  private UpdateControl<BuildRequest> expire(BuildRequest request, Context<BuildRequest> context) {
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

  private UpdateControl<BuildRequest> invalid(
      BuildRequest request, Context<BuildRequest> context, String problem) {
    BuildRequestStatus status = BuildStatuses.copy(request);
    boolean news = !problem.equals(status.getMessage());
    BuildStatuses.phase(request, status, BuildPhase.PENDING, problem);
    status.setConditions(
        Conditions.set(
            status.getConditions(),
            "Scheduled",
            false,
            "Invalid",
            problem,
            request.getMetadata().getGeneration()));
    write(request, context, status);
    if (news) {
      KubeEvents.warning(context.getClient(), request, "Invalid", problem);
    }
    return UpdateControl.<BuildRequest>noUpdate().rescheduleAfter(INVALID_RECHECK);
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private void changed(BuildRun run, boolean ended) {
    if (ended) {
      wakeups.now(run.request());
    } else {
      wakeups.soon(run.request());
    }
  }

  /** Wakes the requests waiting for the Builder: a slot may have freed up. */
  private void wakeQueue(String builderKey) {
    if (requests == null) {
      return;
    }
    requests.byIndex(BY_BUILDER, builderKey).stream()
        .filter(this::isWaiting)
        .forEach(r -> wakeups.now(ResourceID.fromResource(r)));
  }

  private boolean isWaiting(BuildRequest r) {
    BuildRequestStatus s = r.getStatus();
    if (Boolean.TRUE.equals(r.getSpec().getCancel())
        || r.getMetadata().getDeletionTimestamp() != null) {
      return false;
    }
    if (runs.get(r.getMetadata().getUid()).isPresent()) {
      return false;
    }
    if (s == null || s.getPhase() == null) {
      return true;
    }
    if (s.getPhase().isFinal() || (s.getPhase() == BuildPhase.RUNNING && s.getBuildId() != null)) {
      return false;
    }
    return s.getConditions().stream()
        .noneMatch(c -> "Scheduled".equals(c.getType()) && "Invalid".equals(c.getReason()));
  }

  private Set<ResourceID> unfinished(String builderKey) {
    if (requests == null) {
      return Set.of();
    }
    return requests.byIndex(BY_BUILDER, builderKey).stream()
        .filter(
            r ->
                r.getStatus() == null
                    || r.getStatus().getPhase() == null
                    || !r.getStatus().getPhase().isFinal())
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  private List<Pod> podsOf(Context<BuildRequest> context, String namespace, String builder) {
    return podInformer
        .list(
            namespace,
            p -> builder.equals(p.getMetadata().getLabels().get(BuilderNames.BUILDER_LABEL)))
        .toList();
  }

  private Optional<BuilderPod> currentPod(
      Context<BuildRequest> context, BuildRequest request, String podName) {
    String namespace = request.getMetadata().getNamespace();
    String builder = request.getSpec().getBuilderRef().getName();
    Optional<BuilderToken> token = builderPods.token(context.getClient(), namespace, builder);
    if (token.isEmpty() || podName == null) {
      return Optional.empty();
    }
    return BuilderPods.of(podsOf(context, namespace, builder), builder, token.get()).stream()
        .filter(p -> p.name().equals(podName))
        .findFirst();
  }

  private static void write(
      BuildRequest request, Context<BuildRequest> context, BuildRequestStatus status) {
    if (BuildStatuses.same(request.getStatus(), status)) {
      return;
    }
    PrimaryUpdateAndCacheUtils.patchStatusAndCacheResource(
        request,
        context,
        r -> {
          r.setStatus(status);
          return r;
        });
    request.setStatus(status);
  }

  private static int attempts(BuildRequest request) {
    return request.getStatus() == null || request.getStatus().getAttempts() == null
        ? 0
        : request.getStatus().getAttempts();
  }

  private static Duration untilDeadline(BuildRequest request, BuildRequestStatus status) {
    if (status == null || status.getStartTime() == null) {
      return Duration.ofSeconds(request.getSpec().getTimeoutSeconds());
    }
    Instant deadline =
        Instant.parse(status.getStartTime()).plusSeconds(request.getSpec().getTimeoutSeconds());
    return Duration.between(Instant.now(), deadline);
  }

  /** When to look again at a running build: at its deadline, but not in a busy loop. */
  private static Duration nextCheck(BuildRequest request, BuildRequestStatus status) {
    Duration left = untilDeadline(request, status);
    return left.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : left;
  }

  static String builderKey(BuildRequest request) {
    return request.getMetadata().getNamespace() + "/" + request.getSpec().getBuilderRef().getName();
  }

  private static String failure(BuildError error) {
    StringBuilder message = new StringBuilder(error.getMessage());
    if (error.hasLocation()
        && !error.getLocation().getFile().isEmpty()
        && error.getLocation().getRangesCount() > 0) {
      message
          .append(" (")
          .append(error.getLocation().getFile())
          .append(':')
          .append(error.getLocation().getRanges(0).getStartLine())
          .append(')');
    }
    return message.toString();
  }
}
