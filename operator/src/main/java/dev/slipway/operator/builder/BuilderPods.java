package dev.slipway.operator.builder;

import dev.slipway.operator.control.BuilderPod;
import dev.slipway.operator.control.BuilderToken;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns the pods of a Builder into addressable {@link BuilderPod}s. The Builder's token is read
 * from its Secret once and kept; it is created once and never rotated by the operator.
 */
public final class BuilderPods {

  private final ConcurrentHashMap<String, BuilderToken> tokens = new ConcurrentHashMap<>();

  /** The token of a Builder, or empty while its Secret does not exist yet. */
  public Optional<BuilderToken> token(KubernetesClient client, String namespace, String builder) {
    String key = namespace + "/" + builder;
    BuilderToken cached = tokens.get(key);
    if (cached != null) {
      return Optional.of(cached);
    }
    Secret secret =
        client.secrets().inNamespace(namespace).withName(BuilderNames.tokenSecret(builder)).get();
    if (secret == null || secret.getData() == null) {
      return Optional.empty();
    }
    String encoded = secret.getData().get(BuilderNames.TOKEN_KEY);
    if (encoded == null) {
      return Optional.empty();
    }
    BuilderToken token =
        new BuilderToken(new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8));
    tokens.put(key, token);
    return Optional.of(token);
  }

  /**
   * The pods of one Builder, ordered by name (ordinal), each with its endpoint and readiness: one
   * entry per pod, its newest version (the secondary resources once listed a pod twice, seen in
   * BuilderReconcilerTest under load).
   */
  public static List<BuilderPod> of(List<Pod> pods, String builder, BuilderToken token) {
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
                    isReady(p),
                    token))
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

  /** Ready by the kubelet's probe (the builder's gRPC health) and not on its way out. */
  private static boolean isReady(Pod pod) {
    if (pod.getMetadata().getDeletionTimestamp() != null || pod.getStatus() == null) {
      return false;
    }
    return pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
