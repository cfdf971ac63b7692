package dev.slipway.api.resource;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.stream.Stream;

/** Names shared by all Slipway custom resources. */
public final class SlipwayResources {
  public static final String GROUP = "slipway.dev";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;

  /** {@code kubectl get slipway} lists every Slipway resource. */
  public static final String CATEGORY = "slipway";

  /** The default port builder pods serve Control and Session on (Builder spec.port). */
  public static final int BUILDER_PORT = 7777;

  /** The name of that port on the builder container; the operator and the CLI read it there. */
  public static final String BUILDER_PORT_NAME = "grpc";

  /** Keys of a BuildRequest's session Secret ({@link #sessionSecret}). */
  public static final String SESSION_TOKEN_KEY = "token";

  public static final String SESSION_CA_KEY = "ca.crt";
  public static final String SESSION_BUILD_ID_KEY = "build-id";

  private SlipwayResources() {}

  /** The Control port a builder pod serves on: its container port {@link #BUILDER_PORT_NAME}. */
  public static int builderPort(Pod pod) {
    return pod.getSpec().getContainers().stream()
        .flatMap(c -> c.getPorts() == null ? Stream.empty() : c.getPorts().stream())
        .filter(p -> BUILDER_PORT_NAME.equals(p.getName()))
        .map(ContainerPort::getContainerPort)
        .findFirst()
        .orElse(BUILDER_PORT);
  }

  /**
   * The Secret the operator writes for each BuildRequest: a grant for that build only (key {@link
   * #SESSION_TOKEN_KEY}), its build id, and the CA that signed the builder pods' certificates. Who
   * may read it is decided by Kubernetes RBAC on Secrets of the request's namespace.
   */
  public static String sessionSecret(String buildRequestName) {
    return buildRequestName + "-session";
  }

  /**
   * The name a builder pod's TLS certificate holds for it: its DNS name through the Builder's
   * headless Service (the Service carries the Builder's name).
   */
  public static String builderPodHost(String podName, String builderName, String namespace) {
    return podName + "." + builderName + "." + namespace + ".svc";
  }
}
