package dev.slipway.operator.builder;

import dev.slipway.api.resource.Builder;
import dev.slipway.api.resource.SlipwayResources;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;

/**
 * Names and labels of the objects a Builder owns. The StatefulSet, its headless Service and the
 * PodDisruptionBudget carry the Builder's name; pods are found by {@link #BUILDER_LABEL}.
 */
public final class BuilderNames {

  public static final String BUILDER_LABEL = "slipway.dev/builder";
  public static final String TOKEN_KEY = SlipwayResources.BUILDER_TOKEN_KEY;
  public static final String STATE_DIR = "/var/lib/slipway";
  public static final String TOKEN_DIR = "/etc/slipway";
  public static final String CACHE_VOLUME = "cache";

  private BuilderNames() {}

  public static String statefulSet(Builder builder) {
    return builder.getMetadata().getName();
  }

  public static String service(String builderName) {
    return builderName;
  }

  public static String disruptionBudget(Builder builder) {
    return builder.getMetadata().getName();
  }

  public static String tokenSecret(String builderName) {
    return SlipwayResources.builderTokenSecret(builderName);
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
    return podName + "." + service(builderName) + "." + namespace + ".svc:" + port;
  }
}
