package dev.slipway.cli.command;

import dev.slipway.api.resource.Builder;
import dev.slipway.cli.cluster.ClusterConnection;
import dev.slipway.cli.cluster.ClusterOptions;
import dev.slipway.cli.table.Ages;
import dev.slipway.cli.table.Table;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code slipway builder ls}: the Builders of a namespace. */
@Command(
    name = "ls",
    mixinStandardHelpOptions = true,
    description = "List the Builders: ready pods, desired pods, age.")
public final class BuilderListCommand implements Callable<Integer> {

  @Mixin ClusterOptions options;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    try (ClusterConnection cluster = options.connect()) {
      List<Builder> builders =
          cluster
              .client()
              .resources(Builder.class)
              .inNamespace(cluster.namespace())
              .list()
              .getItems()
              .stream()
              .sorted(Comparator.comparing(b -> b.getMetadata().getName()))
              .toList();
      if (builders.isEmpty()) {
        spec.commandLine()
            .getErr()
            .println(
                "No Builders in namespace "
                    + cluster.namespace()
                    + "; slipway builder create default makes one.");
        return 0;
      }
      Table table = new Table("NAME", "READY", "REPLICAS", "AGE");
      Instant now = Instant.now();
      for (Builder b : builders) {
        table.row(
            b.getMetadata().getName(),
            String.valueOf(BuilderInspectCommand.readyReplicas(b)),
            String.valueOf(b.getSpec().getReplicas()),
            Ages.of(b.getMetadata().getCreationTimestamp(), now));
      }
      table.print(spec.commandLine().getOut(), "");
      return 0;
    }
  }
}
