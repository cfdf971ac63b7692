package dev.slipway.e2e.journeys;

import static dev.slipway.e2e.journeys.BuildsNamespace.NAMESPACE;
import static dev.slipway.e2e.journeys.BuildsNamespace.describe;
import static dev.slipway.e2e.journeys.BuildsNamespace.slowDockerfile;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.Builder;
import dev.slipway.api.resource.BuilderPodStatus;
import dev.slipway.e2e.Await;
import dev.slipway.e2e.LoopbackCluster;
import dev.slipway.e2e.SlipwayInstallation;
import dev.slipway.testing.GitDaemon;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Journey (e) of issue 17: a node is lost while builds run on it. A Builder with a pod on each node
 * runs three slow GitOps builds (one per pod); the node of one of them (not node 1, where the
 * operator runs) is stopped mid-step. That build is retried on a pod of another node and succeeds
 * on its second attempt; the others succeed on their first. The node comes back, and so does its
 * pod.
 */
final class NodeLossJourney {

  /** The nodes of the journeys' cluster. */
  static final int NODES = 3;

  static final String BUILDER = "spread";

  /**
   * Not the journeys' other Builder's port: its pod holds that one on node 1 (host network), and
   * the scheduler puts at most one pod per node on a host port.
   */
  static final int PORT = 17787;

  private static final int STEP_SECONDS = 20;

  private final LoopbackCluster cluster;
  private final KubernetesClient client;
  private final BuildsNamespace builds;
  private final GitDaemon git;

  NodeLossJourney(LoopbackCluster cluster, BuildsNamespace builds, GitDaemon git) {
    this.cluster = cluster;
    this.client = cluster.client();
    this.builds = builds;
    this.git = git;
  }

  void buildsOnALostNodeAreRetriedOnAnotherAndSucceed() throws Exception {
    builds.apply(
        SlipwayInstallation.cacheVolumes(LoopbackCluster.STATE.toString(), 1, NODES)
            + "---\n"
            + builder());
    Builder ready = awaitReadyPods(NODES);
    Map<String, String> nodeOfPod = nodeOfPod();
    assertThat(nodeOfPod.values())
        .as("one pod per node (the host port keeps two off one node)")
        .containsExactlyInAnyOrder(
            LoopbackCluster.nodeName(1), LoopbackCluster.nodeName(2), LoopbackCluster.nodeName(3));
    for (BuilderPodStatus pod : ready.getStatus().getPods()) {
      assertThat(pod.getEndpoint())
          .as("the operator reaches %s at its node's address", pod.getName())
          .isEqualTo(nodeOfPod.get(pod.getName()) + ":" + PORT);
    }

    // One slow build per pod (a pod takes one build at a time), each with its own marker.
    List<String> names = List.of("lost-a", "lost-b", "lost-c");
    for (String name : names) {
      String url = git.publish(name, Map.of("Dockerfile", slowDockerfile(name, STEP_SECONDS)));
      builds.apply(builds.buildRequest(name, url, 1, BUILDER));
    }
    Map<String, BuildRequest> running = new LinkedHashMap<>();
    for (String name : names) {
      running.put(name, builds.awaitRunning(name));
    }
    Map<String, String> podOfBuild =
        running.values().stream()
            .collect(
                Collectors.toMap(
                    r -> r.getMetadata().getName(), r -> r.getStatus().getBuilderPod()));
    assertThat(podOfBuild.values()).as("a build per pod").doesNotHaveDuplicates();

    String victim =
        names.stream()
            .filter(n -> !nodeOfPod.get(podOfBuild.get(n)).equals(LoopbackCluster.nodeName(1)))
            .findFirst()
            .orElseThrow();
    String victimPod = podOfBuild.get(victim);
    String lostNode = nodeOfPod.get(victimPod);
    builds.awaitStepProcess(victim);
    Instant stopped = Instant.now();
    cluster.stopNode(LoopbackCluster.nodeNumber(lostNode));
    try {
      builds.awaitNoStepProcess(victim);
      for (String name : names) {
        BuildRequest done = builds.awaitEnd(name);
        assertThat(done.getStatus().getPhase()).as(describe(done)).isEqualTo(BuildPhase.SUCCEEDED);
        if (name.equals(victim)) {
          assertThat(done.getStatus().getAttempts())
              .as("%s lost its pod %s on node %s", name, victimPod, lostNode)
              .isEqualTo(2);
          assertThat(nodeOfPod.get(done.getStatus().getBuilderPod()))
              .as("%s's second attempt ran on another node", name)
              .isNotEqualTo(lostNode);
          assertThat(done.getStatus().getBuildId())
              .isNotEqualTo(running.get(name).getStatus().getBuildId());
        } else {
          assertThat(done.getStatus().getAttempts()).as(describe(done)).isEqualTo(1);
          assertThat(done.getStatus().getBuilderPod()).isEqualTo(podOfBuild.get(name));
        }
      }
    } finally {
      cluster.startNode(LoopbackCluster.nodeNumber(lostNode));
    }

    // The node is back: the kubelet runs its pod again and the Builder has all its pods.
    Await.until(
        "pod " + victimPod + " to run again on node " + lostNode,
        Duration.ofMinutes(3),
        () -> client.pods().inNamespace(NAMESPACE).withName(victimPod).get(),
        p -> startedAfter(p, stopped) && isReady(p));
    awaitReadyPods(NODES);
  }

  private Builder awaitReadyPods(int count) {
    return Await.until(
        "Builder " + BUILDER + " to report " + count + " ready pods",
        Duration.ofMinutes(4),
        () -> client.resources(Builder.class).inNamespace(NAMESPACE).withName(BUILDER).get(),
        b ->
            b.getStatus() != null
                && Integer.valueOf(count).equals(b.getStatus().getReadyReplicas())
                && b.getStatus().getPods().size() == count);
  }

  /** Each pod of the Builder and the node it runs on; its IP must be the node's. */
  private Map<String, String> nodeOfPod() {
    Map<String, String> nodes = new LinkedHashMap<>();
    for (Pod pod :
        client
            .pods()
            .inNamespace(NAMESPACE)
            .withLabel("slipway.dev/builder", BUILDER)
            .list()
            .getItems()) {
      assertThat(pod.getStatus().getPodIP())
          .as("host-network pod %s has its node's address", pod.getMetadata().getName())
          .isEqualTo(pod.getSpec().getNodeName());
      nodes.put(pod.getMetadata().getName(), pod.getSpec().getNodeName());
    }
    return nodes;
  }

  private static boolean startedAfter(Pod pod, Instant instant) {
    List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
    return statuses != null
        && !statuses.isEmpty()
        && statuses.stream()
            .allMatch(
                c ->
                    c.getState().getRunning() != null
                        && Instant.parse(c.getState().getRunning().getStartedAt())
                            .isAfter(instant));
  }

  private static boolean isReady(Pod pod) {
    return pod.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static String builder() {
    return """
        apiVersion: slipway.dev/v1alpha1
        kind: Builder
        metadata:
          name: %s
          namespace: %s
        spec:
          replicas: %d
          maxParallelBuilds: 1
          hostNetwork: true
          port: %d
          cache:
            size: 10Gi
            storageClassName: %s
          registry:
            insecureHosts: ["127.0.0.1:5000"]
        """
        .formatted(BUILDER, NAMESPACE, NODES, PORT, SlipwayInstallation.STORAGE_CLASS);
  }
}
