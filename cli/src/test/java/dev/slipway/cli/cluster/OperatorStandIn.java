package dev.slipway.cli.cluster;

import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The operator's part in the CLI's cluster tests, played on the fabric8 mock server: it sees the
 * BuildRequests the CLI creates and writes their status.
 */
final class OperatorStandIn {
  private final KubernetesClient client;
  private final Duration patience;

  OperatorStandIn(KubernetesClient client, Duration patience) {
    this.client = client;
    this.patience = patience;
  }

  List<BuildRequest> requests() {
    return client
        .resources(BuildRequest.class)
        .inNamespace(MockCluster.NAMESPACE)
        .list()
        .getItems();
  }

  BuildRequest request(String name) {
    return client
        .resources(BuildRequest.class)
        .inNamespace(MockCluster.NAMESPACE)
        .withName(name)
        .get();
  }

  /** The first BuildRequest, once the CLI has created it. */
  BuildRequest awaitCreated() throws InterruptedException {
    awaitTrue(() -> !requests().isEmpty());
    return requests().get(0);
  }

  /** Writes status as the operator does: through the status subresource. */
  void writeStatus(String name, Consumer<BuildRequestStatus> change) {
    BuildRequest r = request(name);
    BuildRequestStatus status = r.getStatus() == null ? new BuildRequestStatus() : r.getStatus();
    change.accept(status);
    r.setStatus(status);
    client.resource(r).updateStatus();
  }

  void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not reached within " + patience.toSeconds() + " seconds");
      }
      Thread.sleep(50);
    }
  }
}
