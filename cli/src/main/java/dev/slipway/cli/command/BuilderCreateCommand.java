package dev.slipway.cli.command;

import dev.slipway.api.resource.Builder;
import dev.slipway.api.resource.BuilderCache;
import dev.slipway.api.resource.BuilderSpec;
import dev.slipway.cli.cluster.ClusterConnection;
import dev.slipway.cli.cluster.ClusterException;
import dev.slipway.cli.cluster.ClusterOptions;
import dev.slipway.cli.usage.UsageException;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code slipway builder create NAME}: a new Builder; the operator starts its pods. */
@Command(
    name = "create",
    mixinStandardHelpOptions = true,
    description = "Create a Builder (a pool of builder pods).",
    footerHeading = "%nExamples:%n",
    footer = {
      "  slipway builder create default",
      "  slipway builder create big --replicas 3 --max-parallel-builds 4 --cache-size 100Gi"
    })
public final class BuilderCreateCommand implements Callable<Integer> {

  @Parameters(paramLabel = "NAME", description = "Name of the Builder.")
  String name;

  @Option(names = "--replicas", paramLabel = "N", description = "Builder pods (default 1).")
  int replicas = 1;

  @Option(
      names = "--max-parallel-builds",
      paramLabel = "N",
      description = "Builds each pod runs at once (default 2).")
  int maxParallelBuilds = 2;

  @Option(
      names = "--cache-size",
      paramLabel = "SIZE",
      description = "Cache volume of each pod, e.g. 20Gi (default 20Gi).")
  String cacheSize = "20Gi";

  @Option(
      names = "--image",
      paramLabel = "IMAGE",
      description = "Builder image (default: the one the operator was installed with).")
  String image;

  @Mixin ClusterOptions options;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Builder builder = desired();
    try (ClusterConnection cluster = options.connect()) {
      try {
        cluster
            .client()
            .resources(Builder.class)
            .inNamespace(cluster.namespace())
            .resource(builder)
            .create();
      } catch (KubernetesClientException e) {
        if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
          throw new ClusterException(
              "Builder "
                  + name
                  + " already exists in namespace "
                  + cluster.namespace()
                  + "; slipway builder inspect "
                  + name
                  + " shows it");
        }
        throw e;
      }
      spec.commandLine()
          .getOut()
          .println(
              "Builder "
                  + cluster.namespace()
                  + "/"
                  + name
                  + " created; slipway builder inspect "
                  + name
                  + " shows when its pods are ready");
      return 0;
    }
  }

  private Builder desired() {
    if (replicas < 0 || replicas > 64) {
      throw new UsageException("--replicas " + replicas + ": use 0 to 64");
    }
    if (maxParallelBuilds < 1 || maxParallelBuilds > 64) {
      throw new UsageException("--max-parallel-builds " + maxParallelBuilds + ": use 1 to 64");
    }
    Quantity size;
    try {
      size = new Quantity(cacheSize);
      if (size.getNumericalAmount().signum() <= 0) {
        throw new IllegalArgumentException("not positive");
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException(
          "--cache-size " + cacheSize + ": expected a size such as 20Gi or 500Mi");
    }
    BuilderSpec s = new BuilderSpec();
    s.setReplicas(replicas);
    s.setMaxParallelBuilds(maxParallelBuilds);
    s.setImage(image);
    BuilderCache cache = new BuilderCache();
    cache.setSize(size);
    s.setCache(cache);
    Builder builder = new Builder();
    builder.setMetadata(new ObjectMetaBuilder().withName(name).build());
    builder.setSpec(s);
    return builder;
  }
}
