package dev.slipway.cli.backend;

import dev.slipway.cli.usage.UsageException;
import java.util.regex.Pattern;

/**
 * Where {@code slipway build} runs: in this process, on a builder process reached directly, or on a
 * cluster through a BuildRequest. A kubeconfig makes the cluster the default, as it does for
 * kubectl; without one the embedded engine builds.
 */
public enum BuildMode {
  LOCAL,
  DIRECT,
  CLUSTER;

  private static final Pattern BUILDER_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  /**
   * @param local whether --local was given
   * @param builder the --builder value (grpc(s)://HOST:PORT or a Builder name), or null
   * @param hasKubeconfig whether a kubeconfig exists (see the cluster package's Kubeconfigs)
   * @param clusterFlag the cluster flag given (--context, --namespace), or null
   */
  public static BuildMode choose(
      boolean local, String builder, boolean hasKubeconfig, String clusterFlag) {
    if (local && builder != null) {
      throw new UsageException(
          "--local and --builder " + builder + " exclude each other; give one of them");
    }
    if (builder != null && (builder.startsWith("grpc://") || builder.startsWith("grpcs://"))) {
      refuse(clusterFlag, "--builder grpc(s):// reaches a builder directly");
      return DIRECT;
    }
    if (builder != null && !BUILDER_NAME.matcher(builder).matches()) {
      throw new UsageException(
          "--builder "
              + builder
              + ": expected the name of a Builder on the cluster (e.g. default) or"
              + " grpc://HOST:PORT (grpcs:// for TLS) of a builder process");
    }
    if (local) {
      refuse(clusterFlag, "--local builds in this process");
      return LOCAL;
    }
    if (hasKubeconfig) {
      return CLUSTER;
    }
    if (builder != null || clusterFlag != null) {
      throw new UsageException(
          (builder != null ? "--builder " + builder : clusterFlag)
              + " needs a Kubernetes cluster, but no kubeconfig was found ($KUBECONFIG,"
              + " ~/.kube/config or --kubeconfig); build with --local or --builder"
              + " grpc://HOST:PORT instead");
    }
    return LOCAL;
  }

  private static void refuse(String clusterFlag, String why) {
    if (clusterFlag != null) {
      throw new UsageException(
          clusterFlag + " selects a cluster, but " + why + "; drop one of them");
    }
  }
}
