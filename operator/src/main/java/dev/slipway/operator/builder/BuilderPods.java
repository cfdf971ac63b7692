package dev.slipway.operator.builder;

import dev.slipway.api.resource.SlipwayResources;
import dev.slipway.operator.auth.BuilderAccess;
import dev.slipway.operator.control.BuilderPod;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns the pods of a Builder into addressable {@link BuilderPod}s, with the Builder's access
 * (grant signer and CA). The access is kept in memory; {@link BuilderAuthSecrets} replaces it when
 * it writes new credentials, and an operator that restarted reads it back from the signing Secret.
 */
public final class BuilderPods {

  private final ConcurrentHashMap<String, BuilderAccess> access = new ConcurrentHashMap<>();

  /** The access to a Builder's pods, or empty while its signing Secret does not exist yet. */
  public Optional<BuilderAccess> access(KubernetesClient client, String namespace, String builder) {
    String key = namespace + "/" + builder;
    BuilderAccess cached = access.get(key);
    if (cached != null) {
      return Optional.of(cached);
    }
    Optional<BuilderAccess> read = BuilderAuthSecrets.read(client, namespace, builder);
    read.ifPresent(a -> access.put(key, a));
    return read;
  }

  void remember(String namespace, String builder, BuilderAccess current) {
    access.put(namespace + "/" + builder, current);
  }

  /**
   * The pods of one Builder, ordered by name (ordinal), each with its endpoint and readiness: one
   * entry per pod, its newest version (the secondary resources once listed a pod twice, seen in
   * BuilderReconcilerTest under load).
   */
  public static List<BuilderPod> of(List<Pod> pods, String builder, BuilderAccess access) {
    Map<String, Pod> byName = new TreeMap<>();
    pods.stream()
        .filter(p -> builder.equals(p.getMetadata().getLabels().get(BuilderNames.BUILDER_LABEL)))
        .forEach(p -> byName.merge(p.getMetadata().getName(), p, BuilderPods::newer));
    return byName.values().stream()
        .map(
            p ->
                new BuilderPod(
                    p.getMetadata().getName(),
                    BuilderNames.endpoint(p, builder),
                    SlipwayResources.builderPodHost(
                        p.getMetadata().getName(),
                        BuilderNames.service(builder),
                        p.getMetadata().getNamespace()),
                    isReady(p),
                    p.getMetadata().getDeletionTimestamp() != null,
                    access))
        .toList();
  }

  private static Pod newer(Pod a, Pod b) {
    return version(b) > version(a) ? b : a;
  }

  /** Resource versions are opaque but, from the API server, numbers that grow. */
  private static long version(Pod pod) {
    try {
      return Long.parseLong(pod.getMetadata().getResourceVersion());
    } catch (NumberFormatException | NullPointerException e) {
      return -1;
    }
  }

  /** Ready by the kubelet's probe (the builder's health) and not on its way out. */
  private static boolean isReady(Pod pod) {
    if (pod.getMetadata().getDeletionTimestamp() != null || pod.getStatus() == null) {
      return false;
    }
    return pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
