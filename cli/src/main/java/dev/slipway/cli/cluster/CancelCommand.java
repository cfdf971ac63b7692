package dev.slipway.cli.cluster;

import dev.slipway.api.resource.BuildRequest;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code slipway cancel BUILD}: sets the BuildRequest's spec.cancel; the operator stops it. */
@Command(
    name = "cancel",
    mixinStandardHelpOptions = true,
    description = "Cancel a build on the cluster (sets spec.cancel of its BuildRequest).")
public final class CancelCommand implements Callable<Integer> {
  private static final String CANCEL_PATCH = "{\"spec\":{\"cancel\":true}}";

  @Parameters(paramLabel = "BUILD", description = "The BuildRequest's name (see slipway ls).")
  String name;

  @Mixin ClusterOptions options;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    try (ClusterConnection cluster = options.connect()) {
      BuildRequest build = Builds.get(cluster, name);
      if (BuildOutcome.isFinal(build)) {
        spec.commandLine()
            .getOut()
            .println(name + " already ended (" + build.getStatus().getPhase().wireName() + ")");
        return 0;
      }
      patch(cluster, name);
      spec.commandLine().getOut().println(name + " cancellation requested");
      return 0;
    }
  }

  /** A merge patch: it cannot conflict with the operator's status writes. */
  static void patch(ClusterConnection cluster, String name) {
    cluster
        .client()
        .resources(BuildRequest.class)
        .inNamespace(cluster.namespace())
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), CANCEL_PATCH);
  }

  /** For Ctrl-C during a build: asks once, and says so when it could not. */
  static void requestCancel(ClusterConnection cluster, String name, PrintStream notices) {
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
