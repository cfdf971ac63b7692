package dev.slipway.cli.command;

import dev.slipway.api.resource.BuildOutput;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.PlatformBuildStatus;
import dev.slipway.cli.cluster.BuildParts;
import dev.slipway.cli.cluster.ClusterConnection;
import dev.slipway.cli.cluster.ClusterOptions;
import dev.slipway.cli.table.Ages;
import dev.slipway.cli.table.Table;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code slipway ls}: the BuildRequests of a namespace, oldest first. */
@Command(
    name = "ls",
    mixinStandardHelpOptions = true,
    description =
        "List the builds (BuildRequests) on the cluster: name, phase, image, digest, age; the"
            + " parts of a multi-platform build under it, one per platform.")
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
      // a split build's children show as its parts, under it
      Set<String> parts =
          builds.stream()
              .flatMap(b -> BuildParts.of(b).stream())
              .map(PlatformBuildStatus::getBuildRequest)
              .filter(Objects::nonNull)
              .collect(Collectors.toSet());
      for (BuildRequest b : builds) {
        if (parts.contains(b.getMetadata().getName())) {
          continue;
        }
        var status = b.getStatus();
        table.row(
            b.getMetadata().getName(),
            status == null || status.getPhase() == null ? "" : status.getPhase().wireName(),
            image(b),
            status == null || status.getResult() == null || status.getResult().getDigest() == null
                ? ""
                : status.getResult().getDigest(),
            Ages.of(b.getMetadata().getCreationTimestamp(), now));
        for (PlatformBuildStatus part : BuildParts.of(b)) {
          table.row(
              "  " + part.getPlatform(),
              part.getPhase() == null ? "" : part.getPhase().wireName(),
              Objects.requireNonNullElse(part.getBuildRequest(), ""),
              Objects.requireNonNullElse(part.getDigest(), ""),
              "");
        }
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
