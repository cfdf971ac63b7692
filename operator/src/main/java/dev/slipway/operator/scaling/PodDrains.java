package dev.slipway.operator.scaling;

import dev.slipway.operator.builder.BuilderNames;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Marks builder pods as draining ({@link BuilderNames#DRAINING_ANNOTATION}) and remembers since
 * when, so that a pod counts as drained only once every placement can have seen the mark.
 */
final class PodDrains {

  /**
   * How long a mark must have stood before an idle pod may go: placement reads pods from its own
   * informer, and a decision taken on a copy without the mark ends within this time.
   */
  static final Duration SETTLE = Duration.ofSeconds(3);

  private static final String MARK =
      "{\"metadata\":{\"annotations\":{\"" + BuilderNames.DRAINING_ANNOTATION + "\":\"true\"}}}";
  private static final String UNMARK =
      "{\"metadata\":{\"annotations\":{\"" + BuilderNames.DRAINING_ANNOTATION + "\":null}}}";

  private final Clock clock;
  private final Map<String, Instant> markedAt = new ConcurrentHashMap<>();

  PodDrains(Clock clock) {
    this.clock = clock;
  }

  /** Marks the pod unless it is; true if it was not marked before. */
  boolean mark(KubernetesClient client, Pod pod) {
    String key = key(pod);
    if (BuilderNames.draining(pod)) {
      // Marked by an operator before a restart: count from now.
      markedAt.putIfAbsent(key, clock.instant());
      return false;
    }
    patch(client, pod, MARK);
    markedAt.put(key, clock.instant());
    return true;
  }

  /** Takes the mark off: demand came back, or the Builder is no longer autoscaled. */
  void unmark(KubernetesClient client, Pod pod) {
    markedAt.remove(key(pod));
    if (BuilderNames.draining(pod)) {
      patch(client, pod, UNMARK);
    }
  }

  /** Whether the pod has been marked for at least {@link #SETTLE}. */
  boolean settled(Pod pod) {
    Instant at = markedAt.get(key(pod));
    return at != null && !clock.instant().isBefore(at.plus(SETTLE));
  }

  /** Forgets a pod that is gone. */
  void forget(String namespace, String podName) {
    markedAt.remove(namespace + "/" + podName);
  }

  private static String key(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  private static void patch(KubernetesClient client, Pod pod, String mergePatch) {
    try {
      client
          .pods()
          .inNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName())
          .patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
      // The pod went meanwhile: nothing left to mark.
    }
  }
}
