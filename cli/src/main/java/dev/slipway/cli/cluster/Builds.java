package dev.slipway.cli.cluster;

import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.Builder;

/** Look-ups by name that fail with a message saying where the command looked. */
public final class Builds {
  private Builds() {}

  public static BuildRequest get(ClusterConnection cluster, String name) {
    BuildRequest build =
        cluster
            .client()
            .resources(BuildRequest.class)
            .inNamespace(cluster.namespace())
            .withName(name)
            .get();
    if (build == null) {
      throw new ClusterException(
          "build "
              + name
              + " not found in namespace "
              + cluster.namespace()
              + "; slipway ls -n "
              + cluster.namespace()
              + " lists the builds there");
    }
    return build;
  }

  public static Builder builder(ClusterConnection cluster, String name) {
    Builder builder =
        cluster
            .client()
            .resources(Builder.class)
            .inNamespace(cluster.namespace())
            .withName(name)
            .get();
    if (builder == null) {
      throw new ClusterException(
          "Builder "
              + name
              + " not found in namespace "
              + cluster.namespace()
              + "; slipway builder ls -n "
              + cluster.namespace()
              + " lists the Builders there, slipway builder create "
              + name
              + " makes one");
    }
    return builder;
  }
}
