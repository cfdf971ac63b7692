package dev.slipway.cli.cluster;

import dev.slipway.api.resource.BuildRequest;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.PrintStream;

/** Cancelling a BuildRequest: setting its spec.cancel, after which the operator stops the build. */
public final class BuildRequestCancel {
  private static final String CANCEL_PATCH = "{\"spec\":{\"cancel\":true}}";

  private BuildRequestCancel() {}

  /** A merge patch: it cannot conflict with the operator's status writes. */
  public static void patch(ClusterConnection cluster, String name) {
    cluster
        .client()
        .resources(BuildRequest.class)
        .inNamespace(cluster.namespace())
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), CANCEL_PATCH);
  }

  /** For Ctrl-C during a build: asks once, and says so when it could not. */
  static void onInterrupt(ClusterConnection cluster, String name, PrintStream notices) {
    try {
      patch(cluster, name);
      notices.println("Cancelling BuildRequest " + name + " (spec.cancel=true)");
    } catch (KubernetesClientException e) {
      notices.println(
          "Could not cancel BuildRequest "
              + name
              + " ("
              + e.getMessage()
              + "); cancel it with: slipway cancel "
              + name);
    }
  }
}
