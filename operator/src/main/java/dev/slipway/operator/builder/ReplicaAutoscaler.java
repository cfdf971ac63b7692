package dev.slipway.operator.builder;

import dev.slipway.api.resource.Builder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;

/**
 * Sizes a Builder's pool (spec.autoscaling) before the reconciler shapes its StatefulSet. It lives
 * outside this package because it reads the build queue, which depends on this package.
 */
public interface ReplicaAutoscaler {

  /**
   * What the autoscaler did for the Builder.
   *
   * @param desiredReplicas the pods the queue wants now (status.desiredReplicas); null when the
   *     Builder is not autoscaled
   * @param recheck when to look again even if nothing changes (a scale-down delay or a drain
   *     running out); null for the usual refresh
   */
  record Outcome(Integer desiredReplicas, Duration recheck) {}

  /**
   * Scales the Builder through its scale subresource when its queue asks for it, and sets {@code
   * builder.spec.replicas} to what it wrote, so that the StatefulSet follows in this reconcile.
   *
   * @param pods the Builder's pods as the reconciler's informer sees them
   */
  Outcome scale(Builder builder, List<Pod> pods, KubernetesClient client);
}
