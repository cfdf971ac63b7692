package dev.slipway.operator.builder;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Map;
import java.util.Optional;

/**
 * The platform of each node, from its well-known labels, read through one informer on nodes (a
 * Builder's status is refreshed often; a GET per pod and refresh would load the API server).
 */
public final class NodePlatforms implements AutoCloseable {

  static final String OS_LABEL = "kubernetes.io/os";
  static final String ARCH_LABEL = "kubernetes.io/arch";

  /**
   * Overrides kubernetes.io/arch, which the kubelet resets to its own architecture every status
   * update: a node whose builds run another architecture (a test cluster that fakes one, with QEMU
   * doing the work) says so here. Set by whoever may label nodes.
   */
  static final String ARCH_OVERRIDE_LABEL = "slipway.dev/arch";

  /** Not a Kubernetes label: set it on arm nodes whose variant is not the default (v7). */
  static final String VARIANT_LABEL = "slipway.dev/arch-variant";

  private SharedIndexInformer<Node> informer;

  /** os/arch[/variant] of the node, empty when it is unknown or lacks the labels. */
  public synchronized Optional<String> of(KubernetesClient client, String nodeName) {
    if (nodeName == null) {
      return Optional.empty();
    }
    if (informer == null) {
      informer = client.nodes().inform();
    }
    Node node = informer.getStore().getByKey(nodeName);
    return node == null ? Optional.empty() : platform(node.getMetadata().getLabels());
  }

  static Optional<String> platform(Map<String, String> labels) {
    if (labels == null || !labels.containsKey(OS_LABEL) || !labels.containsKey(ARCH_LABEL)) {
      return Optional.empty();
    }
    String arch = labels.getOrDefault(ARCH_OVERRIDE_LABEL, labels.get(ARCH_LABEL));
    String platform = labels.get(OS_LABEL) + "/" + arch;
    String variant = labels.get(VARIANT_LABEL);
    return Optional.of(variant == null || variant.isBlank() ? platform : platform + "/" + variant);
  }

  @Override
  public synchronized void close() {
    if (informer != null) {
      informer.close();
      informer = null;
    }
  }
}
