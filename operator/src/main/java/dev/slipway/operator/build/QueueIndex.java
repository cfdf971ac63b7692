package dev.slipway.operator.build;

import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestStatus;
import io.javaoperatorsdk.operator.health.InformerHealthIndicator;
import io.javaoperatorsdk.operator.health.InformerWrappingEventSourceHealthIndicator;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The BuildRequests of each Builder, from the informer's cache: which of them wait for a slot (the
 * queue the scheduler orders) and which are not finished (the ones a change of the Builder or its
 * pods concerns).
 */
final class QueueIndex {

  static final String BY_BUILDER = "slipway.dev/by-builder";

  private final BuildRuns runs;
  private final BuildWakeups wakeups;
  private volatile IndexerResourceCache<BuildRequest> requests;

  QueueIndex(BuildRuns runs, BuildWakeups wakeups) {
    this.runs = runs;
    this.wakeups = wakeups;
  }

  /** Indexes the reconciler's primary cache; until then every lookup is empty. */
  void attach(IndexerResourceCache<BuildRequest> cache) {
    requests = cache;
    cache.addIndexer(BY_BUILDER, r -> List.of(builderKey(r)));
  }

  /** Whether the cache holds every request: each of its informers has listed them once. */
  boolean synced() {
    return requests instanceof InformerWrappingEventSourceHealthIndicator<?> health
        && !health.informerHealthIndicators().isEmpty()
        && health.informerHealthIndicators().values().stream()
            .allMatch(InformerHealthIndicator::hasSynced);
  }

  /** namespace/name of the Builder a request names. */
  static String builderKey(BuildRequest request) {
    return builderKey(
        request.getMetadata().getNamespace(), request.getSpec().getBuilderRef().getName());
  }

  static String builderKey(String namespace, String builder) {
    return namespace + "/" + builder;
  }

  /** Every cached request (none before the operator started). */
  Stream<BuildRequest> all() {
    IndexerResourceCache<BuildRequest> cache = requests;
    return cache == null ? Stream.empty() : cache.list();
  }

  /** The Builder's requests that wait for a pod, in no particular order. */
  List<BuildRequest> waiting(String builderKey) {
    return of(builderKey).filter(r -> isWaiting(r, runs)).toList();
  }

  /** Wakes the requests waiting for the Builder: a slot may have freed up. */
  void wake(String builderKey) {
    of(builderKey)
        .filter(r -> isWaiting(r, runs))
        .forEach(r -> wakeups.now(ResourceID.fromResource(r)));
  }

  /** The Builder's requests that are not finished yet. */
  Set<ResourceID> unfinished(String builderKey) {
    return of(builderKey)
        .filter(QueueIndex::isUnfinished)
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  /** How many of the Builder's requests wait, and how many run on each of its pods. */
  BuilderDemand demand(String builderKey) {
    int waiting = 0;
    Map<String, Integer> running = new HashMap<>();
    for (BuildRequest r : of(builderKey).filter(QueueIndex::isUnfinished).toList()) {
      if (isWaiting(r, runs)) {
        waiting++;
        continue;
      }
      // A run the operator just placed is in BuildRuns before its status names the pod.
      String pod =
          runs.get(r.getMetadata().getUid())
              .map(run -> run.pod().name())
              .orElse(r.getStatus() == null ? null : r.getStatus().getBuilderPod());
      if (pod != null) {
        running.merge(pod, 1, Integer::sum);
      }
    }
    return new BuilderDemand(waiting, running);
  }

  private Stream<BuildRequest> of(String builderKey) {
    IndexerResourceCache<BuildRequest> cache = requests;
    return cache == null ? Stream.empty() : cache.byIndex(BY_BUILDER, builderKey).stream();
  }

  /**
   * Whether the request waits for a slot: not cancelled, deleted, invalid, finished or placed
   * (followed by the operator, or running on a pod according to its status).
   */
  static boolean isWaiting(BuildRequest r, BuildRuns runs) {
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
    if (PlatformSplit.isSplit(r) && !PlatformSplit.partsBuilt(r)) {
      // its children build; it takes a slot only to assemble their index
      return false;
    }
    return s.getConditions().stream()
        .noneMatch(c -> "Scheduled".equals(c.getType()) && "Invalid".equals(c.getReason()));
  }

  static boolean isUnfinished(BuildRequest r) {
    return r.getStatus() == null
        || r.getStatus().getPhase() == null
        || !r.getStatus().getPhase().isFinal();
  }
}
