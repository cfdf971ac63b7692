package dev.slipway.cli.command;

import dev.slipway.api.resource.BuildOutput;
import dev.slipway.api.resource.BuildRequest;
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

/** {@code slipway ls}: the BuildRequests of a namespace, oldest first. */
@Command(
    name = "ls",
    mixinStandardHelpOptions = true,
    description =
        "List the builds (BuildRequests) on the cluster: name, phase, image, digest, age.")
public final class ListCommand implements Callable<Integer> {

  @Mixin ClusterOptions options;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    try (ClusterConnection cluster = options.connect()) {
      List<BuildRequest> builds =
          cluster
              .client()
              .resources(BuildRequest.class)
              .inNamespace(cluster.namespace())
              .list()
              .getItems()
              .stream()
              .sorted(
                  Comparator.comparing(
                          (BuildRequest b) ->
                              String.valueOf(b.getMetadata().getCreationTimestamp()))
                      .thenComparing(b -> b.getMetadata().getName()))
              .toList();
      if (builds.isEmpty()) {
        spec.commandLine().getErr().println("No builds in namespace " + cluster.namespace() + ".");
        return 0;
      }
      Table table = new Table("NAME", "PHASE", "IMAGE", "DIGEST", "AGE");
      Instant now = Instant.now();
      for (BuildRequest b : builds) {
        var status = b.getStatus();
        table.row(
            b.getMetadata().getName(),
            status == null || status.getPhase() == null ? "" : status.getPhase().wireName(),
            image(b),
            status == null || status.getResult() == null || status.getResult().getDigest() == null
                ? ""
                : status.getResult().getDigest(),
            Ages.of(b.getMetadata().getCreationTimestamp(), now));
      }
      table.print(spec.commandLine().getOut(), "");
      return 0;
    }
  }

  /** The first image name, as the BuildRequest's Image printer column shows it. */
  private static String image(BuildRequest b) {
    List<BuildOutput> outputs = b.getSpec() == null ? null : b.getSpec().getOutputs();
    if (outputs == null || outputs.isEmpty()) {
      return "";
    }
    List<String> names = outputs.get(0).getNames();
    return names == null || names.isEmpty() ? "" : names.get(0);
  }
}
