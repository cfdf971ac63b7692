package dev.slipway.cli.cluster;

import dev.slipway.cli.invocation.Invocation;
import dev.slipway.cli.usage.UsageException;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The cluster flags, spelled as kubectl spells them. */
public final class ClusterOptions {
  private static final int REQUEST_RETRIES = 2;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description = "Kubeconfig file (default: $KUBECONFIG, else ~/.kube/config).")
  Path kubeconfig;

  @Option(
      names = "--context",
      paramLabel = "NAME",
      description = "Kubeconfig context (default: its current-context).")
  String context;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NAMESPACE",
      description = "Namespace (default: the context's, else default).")
  String namespace;

  /** The kubeconfig files in effect for this process. */
  public List<Path> kubeconfigs() {
    Invocation invocation = Invocation.current();
    return Kubeconfigs.find(
        kubeconfig == null ? null : invocation.resolve(kubeconfig),
        invocation.environment(),
        invocation.home());
  }

  /** The cluster flag the user gave, for messages about flags that do not go together. */
  public String givenFlag() {
    if (context != null) {
      return "--context " + context;
    }
    return namespace != null ? "--namespace " + namespace : null;
  }

  /** Connects as kubectl would with the same flags. */
  public ClusterConnection connect() {
    List<Path> files = kubeconfigs();
    if (files.isEmpty()) {
      throw new UsageException(
          "no kubeconfig found ($KUBECONFIG, ~/.kube/config or --kubeconfig); this command"
              + " works on a Kubernetes cluster");
    }
    Config config;
    try {
      config =
          kubeconfig != null
              ? Config.fromKubeconfig(context, kubeconfig.toFile())
              : Config.autoConfigure(context);
    } catch (KubernetesClientException | IllegalArgumentException e) {
      throw new UsageException("cannot read the kubeconfig " + files + ": " + e.getMessage());
    }
    if (context != null && !context.equals(currentContext(config))) {
      throw new UsageException(
          "--context " + context + ": the kubeconfig " + files + " has no such context");
    }
    // A person waits at the terminal: fail within seconds when the API server is unreachable
    // (fabric8 would otherwise back off ten times).
    config.setRequestRetryBackoffLimit(REQUEST_RETRIES);
    String ns = namespace != null ? namespace : config.getNamespace();
    return new ClusterConnection(
        new KubernetesClientBuilder().withConfig(config).build(),
        ns == null || ns.isBlank() ? "default" : ns);
  }

  private static String currentContext(Config config) {
    return config.getCurrentContext() == null ? null : config.getCurrentContext().getName();
  }
}
