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

  /** The key of a Builder's bearer token in its token Secret. */
  public static final String BUILDER_TOKEN_KEY = "token";

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

  /** The Secret the operator keeps a Builder's bearer token in. */
  public static String builderTokenSecret(String builderName) {
    return builderName + "-token";
  }
}
