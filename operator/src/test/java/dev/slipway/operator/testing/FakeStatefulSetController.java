package dev.slipway.operator.testing;

import dev.slipway.operator.builder.BuilderNames;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the StatefulSet controller and the kubelet do for builder pods, for a mock API server: pods
 * {@code <set>-0 … <set>-(n-1)}, each ready once its builder (a {@link FakeBuilderPod} or a real
 * builder process, as the {@link BuilderPodStarter} makes it) serves. Against a real cluster the
 * same tests get real pods instead.
 */
public final class FakeStatefulSetController<P extends AutoCloseable> implements AutoCloseable {

  private final KubernetesClient client;
  private final String namespace;
  private final BuilderPodStarter<P> starter;
  private final Map<String, P> pods = new ConcurrentHashMap<>();
  private final SharedIndexInformer<StatefulSet> informer;

  public FakeStatefulSetController(
      KubernetesClient client, String namespace, BuilderPodStarter<P> starter) {
    this.client = client;
    this.namespace = namespace;
    this.starter = starter;
    this.informer =
        client
            .apps()
            .statefulSets()
            .inNamespace(namespace)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(StatefulSet set) {
                    sync(set);
                  }

                  @Override
                  public void onUpdate(StatefulSet old, StatefulSet set) {
                    sync(set);
                  }

                  @Override
                  public void onDelete(StatefulSet set, boolean unknown) {
                    set.getSpec().setReplicas(0);
                    sync(set);
                  }
                });
  }

  public P pod(String name) {
    return pods.get(name);
  }

  public Map<String, P> pods() {
    return pods;
  }

  private synchronized void sync(StatefulSet set) {
    String name = set.getMetadata().getName();
    int replicas = set.getSpec().getReplicas();
    for (int i = 0; i < replicas; i++) {
      String pod = name + "-" + i;
      if (!pods.containsKey(pod)) {
        start(set, pod);
      }
    }
    for (int i = replicas; pods.containsKey(name + "-" + i); i++) {
      kill(name + "-" + i);
    }
    long generation =
        set.getMetadata().getGeneration() == null ? 1 : set.getMetadata().getGeneration();
    var current = set.getStatus();
    boolean settled =
        current != null
            && current.getReadyReplicas() != null
            && current.getReadyReplicas() == replicas
            && current.getObservedGeneration() != null
            && current.getObservedGeneration() == generation;
    if (!settled
        && client.apps().statefulSets().inNamespace(namespace).withName(name).get() != null) {
      set.setStatus(
          new StatefulSetStatusBuilder()
              .withReplicas(replicas)
              .withReadyReplicas(replicas)
              .withUpdatedReplicas(replicas)
              .withObservedGeneration(generation)
              .withCurrentRevision("r" + generation)
              .withUpdateRevision("r" + generation)
              .build());
      client.apps().statefulSets().inNamespace(namespace).resource(set).updateStatus();
    }
  }

  /**
   * The scheduler's part, when the test created Nodes: the first node (by name) whose labels match
   * the pod's nodeSelector; none when there are no Nodes.
   */
  private String node(Map<String, String> nodeSelector) {
    Map<String, String> wanted = nodeSelector == null ? Map.of() : nodeSelector;
    return client.nodes().list().getItems().stream()
        .filter(
            n -> {
              Map<String, String> labels =
                  n.getMetadata().getLabels() == null ? Map.of() : n.getMetadata().getLabels();
              return wanted.entrySet().stream()
                  .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
            })
        .map(n -> n.getMetadata().getName())
        .sorted()
        .findFirst()
        .orElse(null);
  }

  /** Creates a ready pod of the set and its builder process. */
  public synchronized void start(StatefulSet set, String podName) {
    String builder = set.getSpec().getSelector().getMatchLabels().get(BuilderNames.BUILDER_LABEL);
    var podSpec =
        new io.fabric8.kubernetes.api.model.PodSpecBuilder(set.getSpec().getTemplate().getSpec())
            .withNodeName(node(set.getSpec().getTemplate().getSpec().getNodeSelector()))
            .build();
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(podName)
            .withNamespace(namespace)
            .withLabels(set.getSpec().getTemplate().getMetadata().getLabels())
            .endMetadata()
            .withSpec(podSpec)
            .withNewStatus()
            .withPhase("Running")
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .endCondition()
            .endStatus()
            .build();
    try {
      pods.put(podName, starter.start(set, podName, BuilderNames.endpoint(pod, builder)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    client.pods().inNamespace(namespace).resource(pod).createOr(p -> p.update());
  }

  /** The pod dies (node lost, eviction): its builder stops and the Pod object goes away. */
  public synchronized void kill(String podName) {
    P pod = pods.remove(podName);
    if (pod != null) {
      stop(pod);
    }
    client.pods().inNamespace(namespace).withName(podName).delete();
  }

  @Override
  public void close() {
    informer.close();
    pods.values().forEach(FakeStatefulSetController::stop);
    pods.clear();
  }

  private static void stop(AutoCloseable pod) {
    try {
      pod.close();
    } catch (Exception e) {
      throw new IllegalStateException("could not stop builder pod " + pod, e);
    }
  }
}
