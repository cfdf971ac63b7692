package dev.slipway.operator.scaling;

import dev.slipway.api.resource.Builder;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Writes a Builder's spec.replicas through its scale subresource, the one way an HPA or KEDA also
 * writes it (RBAC: builders/scale), so the operator changes no other field of the spec.
 */
final class ReplicaWriter {

  void write(KubernetesClient client, Builder builder, int replicas) {
    var resource =
        client
            .resources(Builder.class)
            .inNamespace(builder.getMetadata().getNamespace())
            .withName(builder.getMetadata().getName());
    Scale scale = resource.scale();
    scale.getSpec().setReplicas(replicas);
    Scale written = resource.scale(scale);
    // The reconcile goes on with this Builder: the StatefulSet follows the new count now, and the
    // status patch that ends the reconcile carries the version the write made.
    builder.getSpec().setReplicas(replicas);
    if (written != null && written.getMetadata() != null) {
      builder.getMetadata().setResourceVersion(written.getMetadata().getResourceVersion());
    }
  }
}
