package dev.slipway.operator;

import static dev.slipway.operator.testing.OperatorHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.control.v1.BuildState;
import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuilderPodStatus;
import dev.slipway.operator.testing.FakeBuilderPod;
import dev.slipway.operator.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Pods on their way out (deleted, or told by SIGTERM to drain) take no new build, finish the ones
 * they run, and a build they refused is placed elsewhere without costing an attempt.
 */
@EnableKubernetesMockClient(crud = true)
class DrainingPodsTest {

  private static final Duration WAIT = Duration.ofSeconds(40);
  static KubernetesClient client;
  private OperatorHarness<FakeBuilderPod> cluster;

  private OperatorHarness<FakeBuilderPod> cluster(TestInfo test) {
    cluster =
        OperatorHarness.withFakePods(
            client, test.getTestMethod().orElseThrow().getName().toLowerCase(), 2);
    return cluster;
  }

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void placementSkipsADrainingPodAndATerminatingOne(TestInfo test) {
    var c = cluster(test);
    c.createBuilder("pool", 3, 2);
    await("three ready pods", WAIT, () -> readyReplicas(c) == 3);

    c.pods.pod("pool-0").drain();
    terminating(c, "pool-1");
    c.createRequest("one", "pool", 100, s -> {});
    c.createRequest("two", "pool", 100, s -> {});

    await(
        "both built",
        WAIT,
        () -> c.phase("one") == BuildPhase.SUCCEEDED && c.phase("two") == BuildPhase.SUCCEEDED);
    assertThat(c.request("one").getStatus().getBuilderPod()).isEqualTo("pool-2");
    assertThat(c.request("two").getStatus().getBuilderPod()).isEqualTo("pool-2");
    assertThat(c.pods.pod("pool-0").received()).isEmpty();
    assertThat(c.pods.pod("pool-0").refused()).as("never asked: its Info says draining").isEmpty();
    assertThat(c.pods.pod("pool-1").received()).isEmpty();
    assertThat(c.pods.pod("pool-1").refused()).isEmpty();
    await(
        "the status shows both pods draining",
        WAIT,
        () ->
            List.of("pool-0 draining", "pool-1 draining", "pool-2 ready")
                .equals(
                    c.builder("pool").getStatus().getPods().stream()
                        .map(DrainingPodsTest::line)
                        .toList()));
    assertThat(c.builder("pool").getStatus().getReadyReplicas()).isEqualTo(1);
  }

  @Test
  void aSolveRefusedAsDrainingIsPlacedOnAnotherPodWithoutUsingAnAttempt(TestInfo test) {
    var c = cluster(test);
    c.createBuilder("pool", 2, 2);
    await("two ready pods", WAIT, () -> readyReplicas(c) == 2);
    // the least loaded by name: the operator's Info of it does not say draining yet
    c.pods.pod("pool-0").drainOnNextSolve();

    c.createRequest("moved", "pool", 100, s -> s.setRetries(0));

    await("built", WAIT, () -> c.phase("moved") == BuildPhase.SUCCEEDED);
    var status = c.request("moved").getStatus();
    assertThat(status.getBuilderPod()).isEqualTo("pool-1");
    assertThat(status.getAttempts()).as("the refusal is no attempt").isEqualTo(1);
    assertThat(status.getBuildId()).endsWith("-1");
    assertThat(status.getHistoryRef())
        .as("the pod that ran it, not the one that refused it")
        .isEqualTo("pool-1/" + status.getBuildId());
    assertThat(c.pods.pod("pool-0").received()).isEmpty();
    assertThat(c.pods.pod("pool-0").refused()).hasSize(1);
    assertThat(c.pods.pod("pool-1").received()).hasSize(1);
    assertThat(c.queueWaits).as("one build, one wait in the queue").hasSize(1);
    await("the event", WAIT, () -> events(c, "moved").contains("Normal/Rescheduled"));
    assertThat(events(c, "moved")).doesNotContain("Warning/Retrying", "Warning/PodLost");
  }

  @Test
  void aBuildOnATerminatingPodFinishesAndARestartedOperatorReattachesToIt(TestInfo test) {
    var c = cluster(test);
    c.createBuilder("b", 1, 2);
    c.createRequest("survivor", "b", 4_000, s -> s.setRetries(0));
    await("running", WAIT, () -> c.phase("survivor") == BuildPhase.RUNNING);
    String buildId = c.request("survivor").getStatus().getBuildId();
    await(
        "running on the pod",
        WAIT,
        () -> c.pods.pod("b-0").state(buildId) == BuildState.BUILD_STATE_RUNNING);

    c.pods.pod("b-0").drain();
    terminating(c, "b-0");
    c.stopOperator();
    c.startOperator();

    await("succeeded", WAIT, () -> c.phase("survivor") == BuildPhase.SUCCEEDED);
    assertThat(c.pods.pod("b-0").received()).hasSize(1);
    assertThat(c.request("survivor").getStatus().getAttempts()).isEqualTo(1);
  }

  @Test
  void aBuildOnAnUnreadyDrainingPodIsReattachedNotRunAgain(TestInfo test) {
    var c = cluster(test);
    c.createBuilder("b", 1, 2);
    c.createRequest("survivor", "b", 4_000, s -> s.setRetries(1));
    await("running", WAIT, () -> c.phase("survivor") == BuildPhase.RUNNING);
    String buildId = c.request("survivor").getStatus().getBuildId();
    await(
        "running on the pod",
        WAIT,
        () -> c.pods.pod("b-0").state(buildId) == BuildState.BUILD_STATE_RUNNING);

    // SIGTERM without a delete: the pod drains and its readiness probe fails
    c.pods.pod("b-0").drain();
    unready(c, "b-0");
    c.stopOperator();
    c.startOperator();

    await("succeeded", WAIT, () -> c.phase("survivor") == BuildPhase.SUCCEEDED);
    assertThat(c.pods.pod("b-0").received()).as("not started a second time").hasSize(1);
    assertThat(c.request("survivor").getStatus().getAttempts()).isEqualTo(1);
  }

  private static void unready(OperatorHarness<FakeBuilderPod> c, String pod) {
    var pods = client.pods().inNamespace(c.namespace).withName(pod);
    pods.editStatus(
        p -> {
          p.getStatus().getConditions().stream()
              .filter(k -> "Ready".equals(k.getType()))
              .forEach(k -> k.setStatus("False"));
          return p;
        });
    await(
        pod + " not ready",
        WAIT,
        () ->
            pods.get().getStatus().getConditions().stream()
                .noneMatch(k -> "Ready".equals(k.getType()) && "True".equals(k.getStatus())));
  }

  /** The pod is deleted but held by a finalizer, as a pod is while its containers stop. */
  private static void terminating(OperatorHarness<FakeBuilderPod> c, String pod) {
    var pods = client.pods().inNamespace(c.namespace).withName(pod);
    pods.edit(
        p -> {
          p.getMetadata().setFinalizers(List.of("slipway.dev/test-hold"));
          return p;
        });
    pods.delete();
    await(
        pod + " terminating",
        WAIT,
        () -> pods.get() != null && pods.get().getMetadata().getDeletionTimestamp() != null);
  }

  private static String line(BuilderPodStatus p) {
    return p.getName()
        + (Boolean.TRUE.equals(p.getDraining()) ? " draining" : "")
        + (Boolean.TRUE.equals(p.getReady()) ? " ready" : "");
  }

  private static int readyReplicas(OperatorHarness<FakeBuilderPod> c) {
    var b = c.builder("pool") != null ? c.builder("pool") : c.builder("b");
    return b == null || b.getStatus() == null || b.getStatus().getReadyReplicas() == null
        ? 0
        : b.getStatus().getReadyReplicas();
  }

  private static List<String> events(OperatorHarness<?> c, String name) {
    return client.v1().events().inNamespace(c.namespace).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .map((Event e) -> e.getType() + "/" + e.getReason())
        .toList();
  }
}
