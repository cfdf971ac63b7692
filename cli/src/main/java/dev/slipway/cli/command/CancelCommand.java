package dev.slipway.cli.command;

import dev.slipway.api.resource.BuildRequest;
import dev.slipway.cli.cluster.BuildOutcome;
import dev.slipway.cli.cluster.BuildRequestCancel;
import dev.slipway.cli.cluster.Builds;
import dev.slipway.cli.cluster.ClusterConnection;
import dev.slipway.cli.cluster.ClusterOptions;
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
      BuildRequestCancel.patch(cluster, name);
      spec.commandLine().getOut().println(name + " cancellation requested");
      return 0;
    }
  }
}
