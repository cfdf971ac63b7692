package dev.slipway.cli.command;

import dev.slipway.api.resource.Builder;
import dev.slipway.api.resource.BuilderPodStatus;
import dev.slipway.api.resource.BuilderSpec;
import dev.slipway.api.resource.BuilderStatus;
import dev.slipway.cli.cluster.Builds;
import dev.slipway.cli.cluster.ClusterConnection;
import dev.slipway.cli.cluster.ClusterOptions;
import dev.slipway.cli.table.ByteSizes;
import dev.slipway.cli.table.Table;
import io.fabric8.kubernetes.api.model.Condition;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code slipway builder inspect NAME}: a Builder's settings and how its pods are doing. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = "Show a Builder: settings, ready pods, and each pod's load and cache.")
public final class BuilderInspectCommand implements Callable<Integer> {

  @Parameters(paramLabel = "NAME", description = "Name of the Builder.")
  String name;

  @Mixin ClusterOptions options;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    try (ClusterConnection cluster = options.connect()) {
      Builder builder = Builds.builder(cluster, name);
      PrintWriter out = spec.commandLine().getOut();
      BuilderSpec s = builder.getSpec();
      BuilderStatus status = builder.getStatus();
      out.printf("Name:                %s%n", name);
      out.printf("Namespace:           %s%n", cluster.namespace());
      out.printf(
          "Image:               %s%n",
          s.getImage() == null ? "(the operator's default)" : s.getImage());
      out.printf("Replicas:            %d ready of %d%n", readyReplicas(builder), s.getReplicas());
      out.printf("Max parallel builds: %d per pod%n", s.getMaxParallelBuilds());
      out.printf(
          "Cache:               %s per pod%n",
          s.getCache() == null || s.getCache().getSize() == null
              ? "20Gi"
              : s.getCache().getSize().toString());
      if (status != null && !status.getConditions().isEmpty()) {
        out.println("Conditions:");
        for (Condition c : status.getConditions()) {
          out.printf(
              "  %s=%s%s%n",
              c.getType(),
              c.getStatus(),
              c.getMessage() == null || c.getMessage().isBlank() ? "" : ": " + c.getMessage());
        }
      }
      if (status == null || status.getPods().isEmpty()) {
        out.println("No builder pods reported yet.");
      } else {
        Table pods = new Table("POD", "READY", "BUILDS", "CACHE", "ENDPOINT");
        for (BuilderPodStatus p : status.getPods()) {
          pods.row(
              p.getName(),
              String.valueOf(Boolean.TRUE.equals(p.getReady())),
              load(p),
              p.getCacheBytes() == null ? "" : ByteSizes.format(p.getCacheBytes()),
              p.getEndpoint() == null ? "" : p.getEndpoint());
        }
        out.println("Pods:");
        pods.print(out, "  ");
      }
      out.flush();
      return 0;
    }
  }

  static int readyReplicas(Builder builder) {
    BuilderStatus status = builder.getStatus();
    return status == null || status.getReadyReplicas() == null ? 0 : status.getReadyReplicas();
  }

  /** Running builds of the pod's capacity, e.g. 1/2. */
  private static String load(BuilderPodStatus p) {
    String active = p.getActiveBuilds() == null ? "?" : p.getActiveBuilds().toString();
    return p.getMaxParallelBuilds() == null ? active : active + "/" + p.getMaxParallelBuilds();
  }
}
