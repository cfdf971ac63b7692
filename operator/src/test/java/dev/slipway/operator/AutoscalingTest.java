package dev.slipway.operator;

import static dev.slipway.operator.testing.OperatorHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.control.v1.BuildContext;
import dev.slipway.api.control.v1.GitContext;
import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.Builder;
import dev.slipway.api.resource.BuilderAutoscaling;
import dev.slipway.operator.build.ContextKeys;
import dev.slipway.operator.builder.BuilderNames;
import dev.slipway.operator.testing.FakeBuilderPod;
import dev.slipway.operator.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** spec.autoscaling against the mock API server, with fake builder pods. */
@EnableKubernetesMockClient(crud = true)
class AutoscalingTest {

  private static final Duration WAIT = Duration.ofSeconds(40);
  static KubernetesClient client;
  private OperatorHarness<FakeBuilderPod> cluster;
  private SharedIndexInformer<Pod> podWatch;

  /** Each deleted pod: whether it carried the draining mark and ran no build when it went. */
  private final Map<String, String> departures = new ConcurrentHashMap<>();

  private OperatorHarness<FakeBuilderPod> cluster(TestInfo test) {
    cluster =
        OperatorHarness.withFakePods(
            client, test.getTestMethod().orElseThrow().getName().toLowerCase(), 2);
    podWatch =
        client
            .pods()
            .inNamespace(cluster.namespace)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Pod pod) {}

                  @Override
                  public void onUpdate(Pod old, Pod pod) {}

                  @Override
                  public void onDelete(Pod pod, boolean unknown) {
                    departures.put(pod.getMetadata().getName(), departure(pod));
                  }
                });
    return cluster;
  }

  private static String departure(Pod pod) {
    var annotations = pod.getMetadata().getAnnotations();
    boolean marked =
        annotations != null && "true".equals(annotations.get(BuilderNames.DRAINING_ANNOTATION));
    return marked ? "drained" : "unmarked";
  }

  @AfterEach
  void stop() {
    if (podWatch != null) {
      podWatch.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static BuilderAutoscaling autoscaling(int min, int max, int target, String delay) {
    BuilderAutoscaling a = new BuilderAutoscaling();
    a.setMinReplicas(min);
    a.setMaxReplicas(max);
    a.setTargetQueuedPerReplica(target);
    a.setScaleDownDelay(delay);
    return a;
  }

  private static Builder autoscaled(
      OperatorHarness<FakeBuilderPod> c, String name, int replicas, BuilderAutoscaling a) {
    Builder builder = c.createBuilder(name, replicas, 2);
    c.editBuilder(name, s -> s.setAutoscaling(a));
    return builder;
  }

  @Test
  void twentyQueuedBuildsScaleOneToThreeAndBackAfterTheDelay(TestInfo test) {
    var c = cluster(test);
    autoscaled(c, "pool", 1, autoscaling(1, 3, 2, "2s"));
    await("one ready pod", WAIT, () -> readyReplicas(c, "pool") == 1);

    List<String> names = IntStream.range(0, 20).mapToObj(i -> "b-" + i).toList();
    names.forEach(n -> c.createRequest(n, "pool", 400, s -> {}));

    await("three replicas", WAIT, () -> replicas(c, "pool") == 3);
    await("the StatefulSet to follow", WAIT, () -> setReplicas(c, "pool") == 3);
    await("status.desiredReplicas 3", WAIT, () -> desiredReplicas(c, "pool") == 3);
    assertThat(events(c, "pool", "ScaledUp"))
        .anySatisfy(
            m ->
                assertThat(m)
                    .matches(
                        "[0-9]+ builds running or waiting \\([0-9]+ waiting\\), 3 replicas wanted"
                            + " \\(2 per replica, min 1, max 3\\): scaled from [12] to 3"));

    await(
        "every build to succeed",
        WAIT,
        () -> names.stream().allMatch(n -> c.phase(n) == BuildPhase.SUCCEEDED));
    await("back to one replica", WAIT, () -> replicas(c, "pool") == 1);
    await(
        "pods 1 and 2 gone",
        WAIT,
        () -> departures.containsKey("pool-1") && departures.containsKey("pool-2"));

    assertThat(departures)
        .as("scale-down removed only pods it had marked draining first")
        .containsEntry("pool-1", "drained")
        .containsEntry("pool-2", "drained");
    assertThat(names)
        .as("no build was cut off by the scale-down: each ran once")
        .allSatisfy(n -> assertThat(c.request(n).getStatus().getAttempts()).isEqualTo(1));
    assertThat(names.stream().map(n -> c.request(n).getStatus().getBuilderPod()).distinct())
        .as("the builds spread over the three pods")
        .containsExactlyInAnyOrder("pool-0", "pool-1", "pool-2");
    assertThat(events(c, "pool", "Draining")).isNotEmpty();
    assertThat(events(c, "pool", "ScaledDown"))
        .anySatisfy(m -> assertThat(m).contains("for 2s: scaled from 3 to 1"));
    await("status.desiredReplicas 1", WAIT, () -> desiredReplicas(c, "pool") == 1);
  }

  @Test
  void drainingPodsTakeNoBuildAndGoOnlyOnceIdle(TestInfo test) {
    var c = cluster(test);
    autoscaled(c, "pool", 3, autoscaling(1, 3, 10, "1h"));
    await("three ready pods", WAIT, () -> readyReplicas(c, "pool") == 3);
    c.pods.pod("pool-2").warm(contextKey("long"));
    // Long enough to outlast the steps below on a loaded machine: the asserts need it running.
    c.createRequest("long", "pool", 30_000, s -> {});
    await("the long build to run", WAIT, () -> c.phase("long") == BuildPhase.RUNNING);
    assertThat(c.request("long").getStatus().getBuilderPod()).isEqualTo("pool-2");
    assertThat(marked(c, "pool-1") || marked(c, "pool-2"))
        .as("no drain before the delay")
        .isFalse();
    c.editBuilder("pool", s -> s.getAutoscaling().setScaleDownDelay("1s"));

    await("pods 1 and 2 marked draining", WAIT, () -> marked(c, "pool-1") && marked(c, "pool-2"));
    List<String> small = IntStream.range(0, 4).mapToObj(i -> "small-" + i).toList();
    small.forEach(n -> c.createRequest(n, "pool", 100, s -> {}));
    await(
        "the small builds",
        WAIT,
        () -> small.stream().allMatch(n -> c.phase(n) == BuildPhase.SUCCEEDED));
    assertThat(small)
        .as("placement gives draining pods no new build")
        .allSatisfy(n -> assertThat(c.request(n).getStatus().getBuilderPod()).isEqualTo("pool-0"));
    assertThat(replicas(c, "pool"))
        .as("pool-2 runs a build: the pool keeps it (and pool-1 below it)")
        .isEqualTo(3);

    // Demand comes back for two pods: pool-1 is needed again, pool-2 still is not.
    List<String> more = IntStream.range(0, 10).mapToObj(i -> "more-" + i).toList();
    more.forEach(n -> c.createRequest(n, "pool", 1_000, s -> {}));
    await("pool-1 unmarked", WAIT, () -> !marked(c, "pool-1"));
    assertThat(marked(c, "pool-2")).isTrue();
    assertThat(c.phase("long")).isEqualTo(BuildPhase.RUNNING);

    await(
        "every build to succeed",
        WAIT,
        () ->
            c.phase("long") == BuildPhase.SUCCEEDED
                && more.stream().allMatch(n -> c.phase(n) == BuildPhase.SUCCEEDED));
    await("back to one replica", WAIT, () -> replicas(c, "pool") == 1);
    await("pods gone", WAIT, () -> departures.keySet().containsAll(List.of("pool-1", "pool-2")));
    assertThat(departures).containsEntry("pool-1", "drained").containsEntry("pool-2", "drained");
    assertThat(c.request("long").getStatus().getAttempts())
        .as("the long build was not cut off")
        .isEqualTo(1);
    assertThat(more).allSatisfy(n -> assertThat(c.request(n).getStatus().getAttempts()).isOne());
    assertThat(more.stream().map(n -> c.request(n).getStatus().getBuilderPod()))
        .as("none of the later builds went to pool-2 while it drained")
        .doesNotContain("pool-2");
  }

  @Test
  void minReplicasZeroWaitsForAPodThenBuilds(TestInfo test) {
    var c = cluster(test);
    autoscaled(c, "idle", 0, autoscaling(0, 2, 2, "1h"));
    await("the StatefulSet at zero", WAIT, () -> setReplicas(c, "idle") == 0);

    c.createRequest("first", "idle", 100, s -> {});
    await("the WaitingForPod event", WAIT, () -> !events(c, "first", "WaitingForPod").isEmpty());
    assertThat(events(c, "first", "WaitingForPod"))
        .singleElement()
        .asString()
        .isEqualTo(
            "waiting for a pod of Builder idle: it has none ready and is being scaled up"
                + " (kubectl get builder idle)");
    await("the build", WAIT, () -> c.phase("first") == BuildPhase.SUCCEEDED);
    assertThat(setReplicas(c, "idle")).isEqualTo(1);
    assertThat(c.builder("idle").getSpec().getReplicas()).isEqualTo(1);
    assertThat(events(c, "idle", "ScaledUp"))
        .singleElement()
        .asString()
        .startsWith("1 build running or waiting (1 waiting), 1 replica wanted");
  }

  @Test
  void aBuilderWithoutAutoscalingAndNoReplicasSaysHowToScaleIt(TestInfo test) {
    var c = cluster(test);
    c.createBuilder("manual", 0, 2);
    c.createRequest("stuck", "manual", 100, s -> {});
    await("WaitingForPod", WAIT, () -> c.phase("stuck") == BuildPhase.WAITING_FOR_POD);
    assertThat(c.request("stuck").getStatus().getMessage())
        .isEqualTo(
            "waiting for a pod of Builder manual: it has spec.replicas 0; scale it up (kubectl"
                + " scale builder manual --replicas=1) or set spec.autoscaling");
    await("the Builder's status", WAIT, () -> c.builder("manual").getStatus() != null);
    assertThat(c.builder("manual").getStatus().getDesiredReplicas())
        .as("not autoscaled: nothing desired")
        .isNull();

    // The scale subresource still works for HPA and KEDA users.
    client.resources(Builder.class).inNamespace(c.namespace).withName("manual").scale(1);
    await("the build", WAIT, () -> c.phase("stuck") == BuildPhase.SUCCEEDED);
  }

  @Test
  void invalidAutoscalingIsReportedNotActedOn(TestInfo test) {
    var c = cluster(test);
    autoscaled(c, "bad", 1, autoscaling(3, 2, 2, "5 minutes"));
    await(
        "the InvalidAutoscaling warning",
        WAIT,
        () -> !events(c, "bad", "InvalidAutoscaling").isEmpty());
    assertThat(events(c, "bad", "InvalidAutoscaling"))
        .singleElement()
        .asString()
        .isEqualTo(
            "spec.autoscaling.maxReplicas is 2; it must be at least 1 and at least minReplicas"
                + " (3)");
    assertThat(c.builder("bad").getSpec().getReplicas()).isEqualTo(1);
  }

  private static String contextKey(String requestName) {
    return ContextKeys.of(
        BuildContext.newBuilder()
            .setGit(GitContext.newBuilder().setUrl("git://127.0.0.1/" + requestName + ".git"))
            .build(),
        null);
  }

  private static boolean marked(OperatorHarness<FakeBuilderPod> c, String pod) {
    Pod p = client.pods().inNamespace(c.namespace).withName(pod).get();
    return p != null && "drained".equals(departure(p));
  }

  private static int replicas(OperatorHarness<FakeBuilderPod> c, String builder) {
    return c.builder(builder).getSpec().getReplicas();
  }

  private static int readyReplicas(OperatorHarness<FakeBuilderPod> c, String builder) {
    Builder b = c.builder(builder);
    return b.getStatus() == null || b.getStatus().getReadyReplicas() == null
        ? -1
        : b.getStatus().getReadyReplicas();
  }

  private static int desiredReplicas(OperatorHarness<FakeBuilderPod> c, String builder) {
    Builder b = c.builder(builder);
    return b.getStatus() == null || b.getStatus().getDesiredReplicas() == null
        ? -1
        : b.getStatus().getDesiredReplicas();
  }

  private static int setReplicas(OperatorHarness<FakeBuilderPod> c, String builder) {
    StatefulSet set = client.apps().statefulSets().inNamespace(c.namespace).withName(builder).get();
    return set == null ? -1 : set.getSpec().getReplicas();
  }

  private static List<String> events(
      OperatorHarness<FakeBuilderPod> c, String about, String reason) {
    return client.v1().events().inNamespace(c.namespace).list().getItems().stream()
        .filter((Event e) -> about.equals(e.getInvolvedObject().getName()))
        .filter(e -> reason.equals(e.getReason()))
        .map(Event::getMessage)
        .filter(Objects::nonNull)
        .toList();
  }
}
