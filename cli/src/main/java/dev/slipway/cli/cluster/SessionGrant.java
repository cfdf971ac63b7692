package dev.slipway.cli.cluster;

import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.SlipwayResources;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * The credential of one attempt of a BuildRequest, from the session Secret the operator writes for
 * it: a grant for that build id only, and the CA of the Builder's pods. Kubernetes RBAC decides who
 * may read it (get on Secrets of the request's namespace). The grant is never printed.
 */
record SessionGrant(String token, String caPem) {

  /** The operator writes the Secret before the status names the attempt; allow for a stale read. */
  private static final Duration PATIENCE = Duration.ofSeconds(10);

  /** The grant of the request's current attempt ({@code status.buildId}). */
  static SessionGrant read(ClusterConnection cluster, BuildRequest placed) {
    return read(cluster, placed, placed.getStatus().getBuildId(), PATIENCE);
  }

  /**
   * The grant for build {@code buildId} of the request: the history names the attempt in {@code
   * status.historyRef}, which stays when a retry clears {@code status.buildId}.
   */
  static SessionGrant read(ClusterConnection cluster, BuildRequest placed, String buildId) {
    return read(cluster, placed, buildId, PATIENCE);
  }

  static SessionGrant read(
      ClusterConnection cluster, BuildRequest placed, String buildId, Duration patience) {
    String name =
        placed.getStatus().getSessionSecret() != null
            ? placed.getStatus().getSessionSecret()
            : SlipwayResources.sessionSecret(placed.getMetadata().getName());
    long deadline = System.nanoTime() + patience.toNanos();
    while (true) {
      Secret secret = get(cluster, name);
      String attempt = value(secret, SlipwayResources.SESSION_BUILD_ID_KEY);
      String token = value(secret, SlipwayResources.SESSION_TOKEN_KEY);
      String ca = value(secret, SlipwayResources.SESSION_CA_KEY);
      if (token != null && ca != null && buildId != null && buildId.equals(attempt)) {
        return new SessionGrant(token.trim(), ca);
      }
      if (System.nanoTime() > deadline) {
        throw new ClusterException(
            "the session Secret "
                + cluster.namespace()
                + "/"
                + name
                + " of BuildRequest "
                + placed.getMetadata().getName()
                + (secret == null ? " does not exist" : " holds no grant for build " + buildId)
                + "; the operator writes it when it starts the build: is the Slipway operator"
                + " running?");
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ClusterException("interrupted while reading the session Secret " + name);
      }
    }
  }

  private static Secret get(ClusterConnection cluster, String name) {
    try {
      return cluster.client().secrets().inNamespace(cluster.namespace()).withName(name).get();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403) {
        throw new ClusterException(
            "you may not read Secret "
                + cluster.namespace()
                + "/"
                + name
                + ", which holds this build's session credential; it needs RBAC get on secrets"
                + " in namespace "
                + cluster.namespace());
      }
      throw e;
    }
  }

  private static String value(Secret secret, String key) {
    if (secret == null || secret.getData() == null || secret.getData().get(key) == null) {
      return null;
    }
    return new String(
        Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "SessionGrant[redacted]";
  }
}
