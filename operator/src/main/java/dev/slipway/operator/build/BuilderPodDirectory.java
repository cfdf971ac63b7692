package dev.slipway.operator.build;

import dev.slipway.api.resource.BuildRequest;
import dev.slipway.operator.auth.BuilderAccess;
import dev.slipway.operator.builder.BuilderNames;
import dev.slipway.operator.builder.BuilderPods;
import dev.slipway.operator.control.BuilderPod;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Optional;

/**
 * A Builder's pods as the reconciler's pod informer sees them, made addressable with the Builder's
 * access (grant signer and CA).
 */
final class BuilderPodDirectory {

  private final BuilderPods builderPods;
  private volatile InformerEventSource<Pod, BuildRequest> informer;

  BuilderPodDirectory(BuilderPods builderPods) {
    this.builderPods = builderPods;
  }

  void attach(InformerEventSource<Pod, BuildRequest> informer) {
    this.informer = informer;
  }

  /**
   * The Builder's pods that may take a new build, with their endpoints: not those the autoscaler
   * drains ({@link BuilderNames#DRAINING_ANNOTATION}); none while its signing Secret does not
   * exist.
   */
  List<BuilderPod> placeable(KubernetesClient kube, String namespace, String builder) {
    List<Pod> open =
        podsOf(namespace, builder).stream().filter(p -> !BuilderNames.draining(p)).toList();
    return builderPods
        .access(kube, namespace, builder)
        .map(t -> BuilderPods.of(open, builder, t))
        .orElse(List.of());
  }

  /** The pod of the request's Builder with that name, if it exists and the access is known. */
  Optional<BuilderPod> find(KubernetesClient kube, BuildRequest request, String podName) {
    String namespace = request.getMetadata().getNamespace();
    String builder = request.getSpec().getBuilderRef().getName();
    Optional<BuilderAccess> access = builderPods.access(kube, namespace, builder);
    if (access.isEmpty() || podName == null) {
      return Optional.empty();
    }
    return BuilderPods.of(podsOf(namespace, builder), builder, access.get()).stream()
        .filter(p -> p.name().equals(podName))
        .findFirst();
  }

  /**
   * The peers of a build on pod {@code podName}: the Builder's other ready pods that are not being
   * drained (they may go at any moment), ordered by name.
   */
  List<BuilderPod> peers(KubernetesClient kube, BuildRequest request, String podName) {
    String namespace = request.getMetadata().getNamespace();
    String builder = request.getSpec().getBuilderRef().getName();
    Optional<BuilderAccess> access = builderPods.access(kube, namespace, builder);
    if (access.isEmpty()) {
      return List.of();
    }
    List<Pod> staying =
        podsOf(namespace, builder).stream().filter(p -> !BuilderNames.draining(p)).toList();
    return BuilderPods.of(staying, builder, access.get()).stream()
        .filter(BuilderPod::ready)
        .filter(p -> !p.name().equals(podName))
        .toList();
  }

  /** Whether the informer still sees the pod, ready or not. */
  boolean exists(BuildRequest request, String podName) {
    return podsOf(request.getMetadata().getNamespace(), request.getSpec().getBuilderRef().getName())
        .stream()
        .anyMatch(p -> p.getMetadata().getName().equals(podName));
  }

  private List<Pod> podsOf(String namespace, String builder) {
    return informer
        .list(
            namespace,
            p -> builder.equals(p.getMetadata().getLabels().get(BuilderNames.BUILDER_LABEL)))
        .toList();
  }
}
