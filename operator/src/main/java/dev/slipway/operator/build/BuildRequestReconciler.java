package dev.slipway.operator.build;

import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestStatus;
import dev.slipway.api.resource.Builder;
import dev.slipway.operator.builder.BuilderNames;
import dev.slipway.operator.builder.BuilderPods;
import dev.slipway.operator.builder.BuilderWakeups;
import dev.slipway.operator.control.BuilderClient;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Runs BuildRequests. Each reconcile hands the request to the part that owns its stage: {@link
 * BuildPlacement} validates and places (or queues) it, {@link BuildFollower} follows the build on
 * its pod, {@link BuildEndings} ends it (success, failure, cancel, timeout, lost pod, expiry).
 *
 * <p>A build's id on the builder is the request's uid and attempt number, and the status names pod
 * and id before Solve is sent; so an operator that restarts re-attaches to the build with
 * ListBuilds and Status instead of starting it twice.
 */
@ControllerConfiguration(name = "buildrequest")
public class BuildRequestReconciler implements Reconciler<BuildRequest>, Cleaner<BuildRequest> {

  private final BuildRuns runs;
  private final BuildWakeups wakeups = new BuildWakeups();
  private final QueueIndex queue;
  private final BuilderPodDirectory pods;
  private final BuildPlacement placement;
  private final BuildFollower follower;
  private final BuildEndings endings;
  private final BuilderWakeups builderWakeups;
  private final PlatformSplit split;
  private volatile InformerEventSource<Builder, BuildRequest> builderInformer;

  /**
   * @param queues where the autoscaler reads the queues this reconciler indexes
   * @param builderWakeups told when a request's phase changes, so its Builder rescales promptly
   */
  public BuildRequestReconciler(
      BuilderClient client,
      BuilderPods builderPods,
      BuildRuns runs,
      BuilderQueues queues,
      BuilderWakeups builderWakeups) {
    this.runs = runs;
    this.builderWakeups = builderWakeups;
    PodLoads loads = new PodLoads(client, runs);
    BuildSessions sessions = new BuildSessions(client);
    this.pods = new BuilderPodDirectory(builderPods);
    BuildGrants grants = new BuildGrants(Clock.systemUTC());
    BuildLauncher launcher =
        new BuildLauncher(client, sessions, wakeups, grants, new BuildPeers(pods, grants));
    this.queue = new QueueIndex(runs, wakeups);
    queues.attach(queue);
    this.endings = new BuildEndings(client, runs, loads, sessions, queue, wakeups, pods);
    this.placement =
        new BuildPlacement(pods, launcher, new BuildScheduler(loads, runs), queue, runs);
    this.follower = new BuildFollower(client, runs, pods, launcher, endings);
    this.split = new PlatformSplit(endings);
  }

  /** Builders and their pods wake the Builder's unfinished requests; builds wake their own. */
  @Override
  public List<EventSource<?, BuildRequest>> prepareEventSources(
      EventSourceContext<BuildRequest> context) {
    queue.attach(context.getPrimaryCache());
    var builders =
        InformerEventSourceConfiguration.from(Builder.class, BuildRequest.class)
            .withName("builders")
            .withSecondaryToPrimaryMapper(
                b ->
                    queue.unfinished(
                        QueueIndex.builderKey(
                            b.getMetadata().getNamespace(), b.getMetadata().getName())))
            .withPrimaryToSecondaryMapper(
                (BuildRequest r) ->
                    Set.of(
                        new ResourceID(
                            r.getSpec().getBuilderRef().getName(), r.getMetadata().getNamespace())))
            .build();
    var builderPods =
        InformerEventSourceConfiguration.from(Pod.class, BuildRequest.class)
            .withName("builder-pods")
            .withLabelSelector(BuilderNames.BUILDER_LABEL)
            .withSecondaryToPrimaryMapper(
                p ->
                    queue.unfinished(
                        QueueIndex.builderKey(
                            p.getMetadata().getNamespace(),
                            p.getMetadata().getLabels().get(BuilderNames.BUILDER_LABEL))))
            .build();
    var podInformer = new InformerEventSource<>(builderPods, context);
    pods.attach(podInformer);
    builderInformer = new InformerEventSource<>(builders, context);
    return List.of(builderInformer, podInformer, wakeups);
  }

  @Override
  public UpdateControl<BuildRequest> reconcile(
      BuildRequest request, Context<BuildRequest> context) {
    BuildPhase before = phase(request);
    try {
      return dispatch(request, context);
    } finally {
      if (changesDemand(before, phase(request))) {
        wakeBuilder(request);
      }
      if (before != phase(request)) {
        // a part of a split build: its parent mirrors it
        PlatformChildren.parentOf(request)
            .ifPresent(
                o ->
                    wakeups.now(new ResourceID(o.getName(), request.getMetadata().getNamespace())));
      }
    }
  }

  /**
   * Whether the Builder's count of running and waiting builds changed: a request arrived or ended
   * (moving from waiting to running leaves it as it was).
   */
  private static boolean changesDemand(BuildPhase before, BuildPhase after) {
    boolean ended = after != null && after.isFinal();
    return before != after && (before == null || ended);
  }

  private UpdateControl<BuildRequest> dispatch(
      BuildRequest request, Context<BuildRequest> context) {
    BuildRequestStatus status = request.getStatus();
    BuildPhase phase = status == null ? null : status.getPhase();
    if (phase != null && phase.isFinal()) {
      BuildStatuses.observe(request, context);
      return endings.expire(request, context);
    }
    Optional<BuildRun> run = runs.get(request.getMetadata().getUid());
    if (Boolean.TRUE.equals(request.getSpec().getCancel())) {
      PlatformSplit.cancelChildren(request, context.getClient(), "spec.cancel was set");
      return endings.cancel(request, context, run);
    }
    if (run.isPresent()) {
      return follower.follow(request, context, run.get());
    }
    Optional<Builder> builder = context.getSecondaryResource(Builder.class);
    Optional<String> problem = BuildValidator.problem(request, builder, context.getClient());
    if (problem.isPresent()) {
      return placement.invalid(request, context, problem.get());
    }
    Optional<UpdateControl<BuildRequest>> platforms = platforms(request, context, builder.get());
    if (platforms.isPresent()) {
      return platforms.get();
    }
    if (phase == BuildPhase.RUNNING && status.getBuildId() != null) {
      return follower.reattach(request, context, builder.get());
    }
    return placement.place(request, context, builder.get());
  }

  /**
   * A request for two or more platforms: plans where each is built. Empty when the request's own
   * Solve is next: the only one (not split) or the one that assembles the children's index.
   */
  private Optional<UpdateControl<BuildRequest>> platforms(
      BuildRequest request, Context<BuildRequest> context, Builder builder) {
    List<String> platforms = request.getSpec().getPlatforms();
    if (platforms == null || platforms.size() < 2) {
      return Optional.empty();
    }
    if (PlatformSplit.isSplit(request)) {
      // the plan recorded when the build was split holds, whatever the Builders say now
      return split.follow(request, context, new PlatformPlan.Split(List.of()));
    }
    if (request.getStatus() != null && request.getStatus().getPlatforms() != null) {
      return Optional.empty();
    }
    String namespace = request.getMetadata().getNamespace();
    List<Builder> builders =
        builderInformer == null ? List.of(builder) : builderInformer.list(namespace).toList();
    return switch (PlatformPlanner.plan(request.getSpec(), builder, builders)) {
      case PlatformPlan.Impossible impossible ->
          Optional.of(placement.invalid(request, context, impossible.message()));
      case PlatformPlan.AwaitingPlatforms awaiting ->
          Optional.of(placement.waitingForPod(request, context, builder));
      case PlatformPlan.Together together -> {
        PlatformSplit.recordTogether(request, context, together);
        yield Optional.empty();
      }
      case PlatformPlan.Split parts -> split.follow(request, context, parts);
    };
  }

  @Override
  public DeleteControl cleanup(BuildRequest request, Context<BuildRequest> context) {
    PlatformSplit.deleteChildren(request, context.getClient());
    endings.deleted(request, context.getClient());
    wakeups.forget(ResourceID.fromResource(request));
    wakeBuilder(request);
    return DeleteControl.defaultDelete();
  }

  private static BuildPhase phase(BuildRequest request) {
    return request.getStatus() == null ? null : request.getStatus().getPhase();
  }

  /** The request joined, left or moved in its Builder's queue: the autoscaler looks again. */
  private void wakeBuilder(BuildRequest request) {
    builderWakeups.soon(
        request.getMetadata().getNamespace(), request.getSpec().getBuilderRef().getName());
  }

  /** The BuildRequests in the informer cache (empty before the operator started), for metrics. */
  public Stream<BuildRequest> cachedRequests() {
    return queue.all();
  }
}
