package dev.slipway.cli.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;

/** A client of the API server and the namespace the command works in. */
public record ClusterConnection(KubernetesClient client, String namespace)
    implements AutoCloseable {

  @Override
  public void close() {
    client.close();
  }
}
