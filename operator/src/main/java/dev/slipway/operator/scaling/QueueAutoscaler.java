package dev.slipway.operator.scaling;

import dev.slipway.api.resource.Builder;
import dev.slipway.operator.build.BuilderDemand;
import dev.slipway.operator.build.BuilderQueues;
import dev.slipway.operator.builder.BuilderNames;
import dev.slipway.operator.builder.ReplicaAutoscaler;
import dev.slipway.operator.kube.KubeEvents;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sizes autoscaled Builders from their queue: {@link ScalingPolicy#desired} pods for the builds
 * running and waiting. It scales up at once. It scales down only after fewer pods have been enough
 * for the whole scaleDownDelay, and only pods that run no build: the pods the StatefulSet would
 * remove (the highest ordinals) are first marked draining, so placement gives them no new build,
 * and spec.replicas drops below a pod only once it is idle and its mark has settled. If demand
 * comes back meanwhile, the marks come off.
 *
 * <p>spec.replicas is written through the scale subresource, as an HPA would; when to shrink is
 * kept in memory, so a restarted operator waits the delay again (it never shrinks early).
 */
public final class QueueAutoscaler implements ReplicaAutoscaler {

  /** How often a drain in progress is looked at even without a wake-up. */
  static final Duration DRAIN_RECHECK = Duration.ofSeconds(2);

  private final BuilderQueues queues;
  private final Clock clock;
  private final PodDrains drains;
  private final ReplicaWriter writer = new ReplicaWriter();
  private final Map<String, Instant> lowSince = new ConcurrentHashMap<>();
  private final Map<String, String> problems = new ConcurrentHashMap<>();

  public QueueAutoscaler(BuilderQueues queues, Clock clock) {
    this.queues = queues;
    this.clock = clock;
    this.drains = new PodDrains(clock);
  }

  @Override
  public Outcome scale(Builder builder, List<Pod> pods, KubernetesClient client) {
    String namespace = builder.getMetadata().getNamespace();
    String key = namespace + "/" + builder.getMetadata().getName();
    Map<Integer, Pod> byOrdinal = byOrdinal(builder, pods);
    if (builder.getSpec().getAutoscaling() == null) {
      forget(key);
      byOrdinal.values().forEach(p -> drains.unmark(client, p));
      return new Outcome(null, null);
    }
    ScalingPolicy policy;
    try {
      policy = ScalingPolicy.of(builder.getSpec().getAutoscaling());
      problems.remove(key);
    } catch (IllegalArgumentException e) {
      if (!e.getMessage().equals(problems.put(key, e.getMessage()))) {
        KubeEvents.warning(client, builder, "InvalidAutoscaling", e.getMessage());
      }
      return new Outcome(null, null);
    }
    int current = builder.getSpec().getReplicas();
    Optional<BuilderDemand> known = queues.demand(namespace, builder.getMetadata().getName());
    if (known.isEmpty()) {
      // The operator just started and has not listed every request: keep the pool as it is.
      return new Outcome(current, DRAIN_RECHECK);
    }
    BuilderDemand demand = known.get();
    int desired = policy.desired(demand);
    if (desired >= current) {
      lowSince.remove(key);
      unmarkBelow(client, byOrdinal, desired);
      if (desired > current) {
        writer.write(client, builder, desired);
        KubeEvents.normal(
            client,
            builder,
            "ScaledUp",
            policy.reason(demand, desired) + ": scaled from " + current + " to " + desired);
      }
      return new Outcome(desired, null);
    }
    Instant now = clock.instant();
    Instant since = lowSince.computeIfAbsent(key, k -> now);
    Duration left = Duration.between(now, since.plus(policy.scaleDownDelay()));
    if (left.isPositive()) {
      unmarkBelow(client, byOrdinal, current);
      return new Outcome(desired, left);
    }
    unmarkBelow(client, byOrdinal, desired);
    drain(client, builder, byOrdinal, desired, current, policy.reason(demand, desired));
    int lowest = lowestIdle(builder, byOrdinal, demand, desired, current);
    if (lowest < current) {
      writer.write(client, builder, lowest);
      for (int i = lowest; i < current; i++) {
        drains.forget(namespace, BuilderNames.statefulSet(builder) + "-" + i);
      }
      KubeEvents.normal(
          client,
          builder,
          "ScaledDown",
          policy.reason(demand, desired)
              + " for "
              + policy.scaleDownDelay().toString().substring(2).toLowerCase(Locale.ROOT)
              + ": scaled from "
              + current
              + " to "
              + lowest
              + " once the removed pods had no build left");
    }
    return new Outcome(desired, lowest > desired ? DRAIN_RECHECK : null);
  }

  /** Marks the pods scale-down will remove; one Event names the ones newly marked. */
  private void drain(
      KubernetesClient client,
      Builder builder,
      Map<Integer, Pod> byOrdinal,
      int desired,
      int current,
      String reason) {
    List<String> marked = new ArrayList<>();
    for (int i = desired; i < current; i++) {
      Pod pod = byOrdinal.get(i);
      if (pod != null && drains.mark(client, pod)) {
        marked.add(pod.getMetadata().getName());
      }
    }
    if (!marked.isEmpty()) {
      KubeEvents.normal(
          client,
          builder,
          "Draining",
          reason
              + ": "
              + String.join(", ", marked)
              + " take no new build and go once their running builds end");
    }
  }

  /**
   * The fewest replicas that remove only pods that are drained: scanning down from the highest
   * ordinal, each pod must be marked long enough and run no build (a missing pod runs none).
   */
  private int lowestIdle(
      Builder builder,
      Map<Integer, Pod> byOrdinal,
      BuilderDemand demand,
      int desired,
      int current) {
    int lowest = current;
    for (int i = current - 1; i >= desired; i--) {
      Pod pod = byOrdinal.get(i);
      String name = BuilderNames.statefulSet(builder) + "-" + i;
      boolean drained =
          demand.runningOn(name) == 0
              && (pod == null || (BuilderNames.draining(pod) && drains.settled(pod)));
      if (!drained) {
        break;
      }
      lowest = i;
    }
    return lowest;
  }

  private void unmarkBelow(KubernetesClient client, Map<Integer, Pod> byOrdinal, int keep) {
    byOrdinal.forEach(
        (ordinal, pod) -> {
          if (ordinal < keep) {
            drains.unmark(client, pod);
          }
        });
  }

  private void forget(String key) {
    lowSince.remove(key);
    problems.remove(key);
  }

  /** The StatefulSet's pods by ordinal ({@code <set>-<n>}); other pods are ignored. */
  private static Map<Integer, Pod> byOrdinal(Builder builder, List<Pod> pods) {
    String prefix = BuilderNames.statefulSet(builder) + "-";
    Map<Integer, Pod> byOrdinal = new TreeMap<>();
    for (Pod pod : pods) {
      String name = pod.getMetadata().getName();
      if (name.startsWith(prefix) && name.substring(prefix.length()).matches("[0-9]{1,4}")) {
        byOrdinal.put(Integer.parseInt(name.substring(prefix.length())), pod);
      }
    }
    return byOrdinal;
  }
}
