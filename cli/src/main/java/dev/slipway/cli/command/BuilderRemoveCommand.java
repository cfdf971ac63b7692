package dev.slipway.cli.command;

import dev.slipway.api.resource.Builder;
import dev.slipway.cli.cluster.Builds;
import dev.slipway.cli.cluster.ClusterConnection;
import dev.slipway.cli.cluster.ClusterOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code slipway builder rm NAME}: deletes a Builder; its pods go with it (owner references). */
@Command(
    name = "rm",
    mixinStandardHelpOptions = true,
    description = "Delete a Builder and its builder pods.")
public final class BuilderRemoveCommand implements Callable<Integer> {

  @Parameters(paramLabel = "NAME", description = "Name of the Builder.")
  String name;

  @Mixin ClusterOptions options;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    try (ClusterConnection cluster = options.connect()) {
      Builder builder = Builds.builder(cluster, name);
      cluster.client().resource(builder).delete();
      spec.commandLine()
          .getOut()
          .println("Builder " + cluster.namespace() + "/" + name + " deleted");
      return 0;
    }
  }
}
