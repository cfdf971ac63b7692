package dev.slipway.operator.builder;

import dev.slipway.operator.control.BuilderPod;
import dev.slipway.operator.control.BuilderToken;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
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

  /** Forgets a token, e.g. after its Secret was deleted and created anew. */
  public void forgetToken(String namespace, String builder) {
    tokens.remove(namespace + "/" + builder);
  }

  /** The pods of one Builder, ordered by name (ordinal), each with its endpoint and readiness. */
  public static List<BuilderPod> of(List<Pod> pods, String builder, BuilderToken token) {
    return pods.stream()
        .filter(p -> builder.equals(p.getMetadata().getLabels().get(BuilderNames.BUILDER_LABEL)))
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .map(
            p ->
                new BuilderPod(
                    p.getMetadata().getName(),
                    BuilderNames.endpoint(p, builder),
                    isReady(p),
                    token))
        .toList();
  }

  /** Ready by the kubelet's probe (the builder's gRPC health) and not on its way out. */
  public static boolean isReady(Pod pod) {
    if (pod.getMetadata().getDeletionTimestamp() != null || pod.getStatus() == null) {
      return false;
    }
    return pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
