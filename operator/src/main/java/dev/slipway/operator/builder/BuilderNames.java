package dev.slipway.operator.builder;

import dev.slipway.api.resource.Builder;
import dev.slipway.api.resource.SlipwayResources;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;

/**
 * Names and labels of the objects a Builder owns. The StatefulSet, its headless Service and the
 * PodDisruptionBudget carry the Builder's name; pods are found by {@link #BUILDER_LABEL}. Secrets
 * that hold credentials the operator made carry {@link #CREDENTIAL_LABEL}: builds may not name
 * them.
 */
public final class BuilderNames {

  public static final String BUILDER_LABEL = "slipway.dev/builder";

  /** On every Secret the operator writes credentials into; its value says which kind. */
  public static final String CREDENTIAL_LABEL = "slipway.dev/credential";

  /**
   * On a pod the autoscaler is about to remove: placement gives it no new build, and the pool
   * shrinks only once it runs none.
   */
  public static final String DRAINING_ANNOTATION = "slipway.dev/draining";

  public static final String STATE_DIR = "/var/lib/slipway";

  /** Where builder pods mount their TLS Secret: the grant public key, certificate and key. */
  public static final String TLS_DIR = "/etc/slipway/tls";

  /** Keys of the operator-only signing Secret. */
  public static final String SIGNING_KEY = "signing.pem";

  public static final String CA_KEY = "ca.key";
  public static final String CA_CERT = "ca.crt";

  /** Keys of the TLS Secret the pods mount (with {@link #CA_CERT}, to check their peers). */
  public static final String AUTH_PUBLIC_KEY = "auth.pub";

  public static final String TLS_CERT = "tls.crt";
  public static final String TLS_KEY = "tls.key";
  public static final String CACHE_VOLUME = "cache";

  private BuilderNames() {}

  /** Whether the autoscaler marked the pod with {@link #DRAINING_ANNOTATION}. */
  public static boolean draining(Pod pod) {
    var annotations = pod.getMetadata().getAnnotations();
    return annotations != null && "true".equals(annotations.get(DRAINING_ANNOTATION));
  }

  public static String statefulSet(Builder builder) {
    return builder.getMetadata().getName();
  }

  public static String service(String builderName) {
    return builderName;
  }

  public static String disruptionBudget(Builder builder) {
    return builder.getMetadata().getName();
  }

  /**
   * The Secret only the operator reads: the key that signs the Builder's grants and its CA's key.
   */
  public static String signingSecret(String builderName) {
    return builderName + "-slipway-signing";
  }

  /** The Secret the pods mount: the grants' public key and the pods' server certificate. */
  public static String tlsSecret(String builderName) {
    return builderName + "-slipway-tls";
  }

  /** The audience of the Builder's grants: a grant for one Builder is refused by another. */
  public static String audience(String namespace, String builderName) {
    return "slipway-builder:" + namespace + "/" + builderName;
  }

  /** The port of a builder pod's HTTP health and metrics endpoint (the probes' port). */
  public static int healthPort(int controlPort) {
    return controlPort + 1;
  }

  /** Labels that select the builder pods of one Builder (immutable on a StatefulSet). */
  public static Map<String, String> selector(Builder builder) {
    return Map.of(BUILDER_LABEL, builder.getMetadata().getName());
  }

  public static String selectorString(Builder builder) {
    return BUILDER_LABEL + "=" + builder.getMetadata().getName();
  }

  /** Labels on every object the Builder owns. */
  public static Map<String, String> labels(Builder builder) {
    return Map.of(
        BUILDER_LABEL,
        builder.getMetadata().getName(),
        "app.kubernetes.io/name",
        "slipway-builder",
        "app.kubernetes.io/instance",
        builder.getMetadata().getName(),
        "app.kubernetes.io/managed-by",
        "slipway-operator");
  }

  /**
   * Where the operator reaches a builder pod's Control API: its IP (no cluster DNS needed), or
   * while it has none yet, its stable DNS name through the headless Service.
   */
  public static String endpoint(Pod pod, String builderName) {
    int port = SlipwayResources.builderPort(pod);
    String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
    if (ip != null && !ip.isEmpty()) {
      return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port;
    }
    return endpoint(
        pod.getMetadata().getName(), builderName, pod.getMetadata().getNamespace(), port);
  }

  /** The pod's stable DNS name through the headless Service, with the Control port. */
  public static String endpoint(String podName, String builderName, String namespace, int port) {
    return SlipwayResources.builderPodHost(podName, service(builderName), namespace) + ":" + port;
  }
}
