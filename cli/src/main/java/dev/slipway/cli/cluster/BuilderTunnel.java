package dev.slipway.cli.cluster;

import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.SlipwayResources;
import dev.slipway.cli.remote.BuilderAddress;
import dev.slipway.cli.remote.RemoteBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.LocalPortForward;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;

/**
 * A builder pod reached through the API server: a port-forward from a loopback port here to the
 * pod's Control port, over TLS checked against the pod's own name and its Builder's CA, with the
 * grant of the one build this tunnel serves (from the request's session Secret). The same gRPC
 * client as direct mode talks over it.
 */
final class BuilderTunnel implements AutoCloseable {

  private final Closeable forward;
  private final RemoteBuilder builder;

  /** A builder reached through {@code forward}, which closes with it. */
  BuilderTunnel(Closeable forward, RemoteBuilder builder) {
    this.forward = forward;
    this.builder = builder;
  }

  /** A tunnel to the pod of the request's current attempt, with that attempt's grant. */
  static BuilderTunnel open(ClusterConnection cluster, BuildRequest placed) {
    return open(
        cluster, placed, placed.getStatus().getBuilderPod(), placed.getStatus().getBuildId());
  }

  /** A tunnel to {@code pod} of the request's Builder, with the grant for build {@code buildId}. */
  static BuilderTunnel open(
      ClusterConnection cluster, BuildRequest placed, String pod, String buildId) {
    SessionGrant grant = SessionGrant.read(cluster, placed, buildId);
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
    String serverName =
        SlipwayResources.builderPodHost(
            pod, placed.getSpec().getBuilderRef().getName(), cluster.namespace());
    try {
      return new BuilderTunnel(
          forward, RemoteBuilder.connectTls(local, grant.token(), grant.caPem(), serverName));
    } catch (RuntimeException e) {
      closeQuietly(forward);
      throw new ClusterException(
          "cannot connect to builder pod "
              + cluster.namespace()
              + "/"
              + pod
              + " over TLS with the CA of its session Secret ("
              + e.getMessage()
              + "); if the Secret was edited, delete the BuildRequest and build again");
    }
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // the tunnel is going away with this command
    }
  }

  RemoteBuilder builder() {
    return builder;
  }

  @Override
  public void close() {
    builder.close();
    closeQuietly(forward);
  }
}
