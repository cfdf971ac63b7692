package dev.slipway.cli.cluster;

import dev.slipway.api.resource.SlipwayResources;
import dev.slipway.cli.remote.BuilderAddress;
import dev.slipway.cli.remote.RemoteBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.LocalPortForward;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A builder pod reached through the API server: a port-forward from a loopback port here to the
 * pod's Control port, with the Builder's token. The same gRPC client as direct mode talks over it.
 */
final class BuilderTunnel implements AutoCloseable {
  // The operator's names (operator/…/builder/BuilderNames): the pod's Control port (its
  // container port "grpc"), and the Secret "<builder>-token" whose key "token" holds the bearer
  // token.

  private final Closeable forward;
  private final RemoteBuilder builder;

  /** A builder reached through {@code forward}, which closes with it. */
  BuilderTunnel(Closeable forward, RemoteBuilder builder) {
    this.forward = forward;
    this.builder = builder;
  }

  static BuilderTunnel open(ClusterConnection cluster, String builderName, String pod) {
    String token = token(cluster, builderName);
    LocalPortForward forward;
    try {
      var podResource = cluster.client().pods().inNamespace(cluster.namespace()).withName(pod);
      int port = SlipwayResources.builderPort(podResource.require());
      forward = podResource.portForward(port, InetAddress.getLoopbackAddress(), 0);
    } catch (KubernetesClientException e) {
      throw new ClusterException(
          "cannot open a port-forward to builder pod "
              + cluster.namespace()
              + "/"
              + pod
              + " ("
              + e.getMessage()
              + "); it needs RBAC create on pods/portforward in that namespace");
    }
    BuilderAddress local =
        new BuilderAddress(forward.getLocalAddress().getHostAddress(), forward.getLocalPort());
    return new BuilderTunnel(forward, RemoteBuilder.connect(local, token));
  }

  private static String token(ClusterConnection cluster, String builderName) {
    String name = SlipwayResources.builderTokenSecret(builderName);
    Secret secret =
        cluster.client().secrets().inNamespace(cluster.namespace()).withName(name).get();
    String encoded =
        secret == null || secret.getData() == null
            ? null
            : secret.getData().get(SlipwayResources.BUILDER_TOKEN_KEY);
    if (encoded == null) {
      throw new ClusterException(
          "the token Secret "
              + cluster.namespace()
              + "/"
              + name
              + " of Builder "
              + builderName
              + " is missing or has no key "
              + SlipwayResources.BUILDER_TOKEN_KEY
              + "; the operator creates it: is the Slipway operator running?");
    }
    return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8).trim();
  }

  RemoteBuilder builder() {
    return builder;
  }

  @Override
  public void close() {
    builder.close();
    try {
      forward.close();
    } catch (IOException e) {
      // the tunnel is going away with this command
    }
  }
}
