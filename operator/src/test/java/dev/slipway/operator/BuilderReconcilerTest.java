package dev.slipway.operator;

import static dev.slipway.operator.testing.OperatorHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.Builder;
import dev.slipway.operator.builder.BuilderNames;
import dev.slipway.operator.builder.BuilderPods;
import dev.slipway.operator.testing.FakeBuilderPod;
import dev.slipway.operator.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

@EnableKubernetesMockClient(crud = true)
class BuilderReconcilerTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  static KubernetesClient client;
  private OperatorHarness<FakeBuilderPod> cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void createsThePoolAndReportsItsPods(TestInfo test) {
    var c = cluster = OperatorHarness.withFakePods(client, "create", 3);
    Builder created = c.createBuilder("pool", 2, 3);

    await("two ready pods in the status", WAIT, () -> readyReplicas(c) == 2);
    StatefulSet set = client.apps().statefulSets().inNamespace(c.namespace).withName("pool").get();
    var container = set.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(set.getSpec().getReplicas()).isEqualTo(2);
    assertThat(container.getImage()).isEqualTo(OperatorHarness.DEFAULT_IMAGE);
    assertThat(container.getArgs())
        .containsExactly(
            "--listen",
            "0.0.0.0:7777",
            "--metrics-listen",
            "0.0.0.0:7778",
            "--state",
            "/var/lib/slipway",
            "--auth-public-key",
            "/etc/slipway/tls/auth.pub",
            "--auth-audience",
            "slipway-builder:create/pool",
            "--tls-cert",
            "/etc/slipway/tls/tls.crt",
            "--tls-key",
            "/etc/slipway/tls/tls.key",
            "--peer-ca",
            "/etc/slipway/tls/ca.crt",
            "--peer-tls-name",
            "pool.create.svc");
    assertThat(container.getSecurityContext().getPrivileged()).isTrue();
    var podSpec = set.getSpec().getTemplate().getSpec();
    assertThat(podSpec.getAutomountServiceAccountToken())
        .as("the builder never calls the API: no ServiceAccount token in the pod")
        .isFalse();
    assertThat(podSpec.getHostPID()).isFalse();
    assertThat(podSpec.getHostIPC()).isFalse();
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal())
        .isEqualTo("health");
    assertThat(container.getPorts())
        .extracting(p -> p.getName() + ":" + p.getContainerPort())
        .containsExactly("grpc:7777", "health:7778");
    var secretVolumes = podSpec.getVolumes().stream().filter(v -> v.getSecret() != null).toList();
    assertThat(secretVolumes)
        .extracting(v -> v.getSecret().getSecretName())
        .as("the pods mount the TLS Secret, never the signing Secret")
        .containsExactly("pool-slipway-tls");
    assertThat(podSpec.getVolumes())
        .filteredOn(v -> v.getSecret() == null)
        .as("besides it only the node's binfmt_misc handlers")
        .singleElement()
        .satisfies(
            v -> assertThat(v.getHostPath().getPath()).isEqualTo("/proc/sys/fs/binfmt_misc"));
    assertThat(container.getVolumeMounts())
        .filteredOn(m -> m.getMountPath().equals("/run/slipway/host-binfmt_misc"))
        .singleElement()
        .satisfies(m -> assertThat(m.getReadOnly()).isTrue());
    assertThat(secretVolumes.get(0).getSecret().getItems())
        .extracting(i -> i.getKey())
        .containsExactly("auth.pub", "ca.crt", "tls.crt", "tls.key");
    assertThat(set.getSpec().getVolumeClaimTemplates())
        .singleElement()
        .satisfies(
            pvc ->
                assertThat(pvc.getSpec().getResources().getRequests().get("storage").toString())
                    .isEqualTo("20Gi"));
    Service service = client.services().inNamespace(c.namespace).withName("pool").get();
    assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
    PodDisruptionBudget pdb =
        client.policy().v1().podDisruptionBudget().inNamespace(c.namespace).withName("pool").get();
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(client.secrets().inNamespace(c.namespace).withName("pool-token").get())
        .as("no shared token Secret any more")
        .isNull();
    Secret signing =
        client.secrets().inNamespace(c.namespace).withName("pool-slipway-signing").get();
    Secret tls = client.secrets().inNamespace(c.namespace).withName("pool-slipway-tls").get();
    for (HasMetadata owned : new HasMetadata[] {set, service, pdb, signing, tls}) {
      assertThat(owned.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(o -> assertThat(o.getUid()).isEqualTo(created.getMetadata().getUid()));
    }

    List<String> expectedPods =
        List.of("pool-0 pool-0.pool.create.svc:7777 3", "pool-1 pool-1.pool.create.svc:7777 3");
    // The mock API server has no server-side apply, so here (only) JOSDK patches the status with a
    // JSON patch computed against the informer's copy; when that copy is a write behind, the patch
    // can add a pod a second time. The next reconcile (every 15 s) patches from the copy it then
    // has and repairs it: what must hold is that the status converges, each pod listed once.
    await("each pod listed once in the status", WAIT, () -> podLines(c).equals(expectedPods));
    Builder builder = c.builder("pool");
    assertThat(builder.getStatus().getSelector()).isEqualTo("slipway.dev/builder=pool");
    assertThat(builder.getStatus().getPods())
        .extracting(p -> p.getName() + " " + p.getEndpoint() + " " + p.getMaxParallelBuilds())
        .containsExactlyElementsOf(expectedPods);
    assertThat(condition(builder, "Ready").getStatus()).isEqualTo("True");
    assertThat(condition(builder, "Degraded").getStatus()).isEqualTo("False");
    assertThat(condition(builder, "Ready").getObservedGeneration())
        .isEqualTo(builder.getMetadata().getGeneration());
  }

  @Test
  void hostNetworkBuildersListenOnTheNodeAddressAtTheirPort(TestInfo test) {
    var c = cluster = OperatorHarness.withFakePods(client, "hostnet", 1);
    c.createBuilder("node", 1, 1);
    c.editBuilder(
        "node",
        spec -> {
          spec.setHostNetwork(true);
          spec.setPort(17777);
        });

    await(
        "the pod template in the node's network",
        WAIT,
        () -> {
          var set = client.apps().statefulSets().inNamespace(c.namespace).withName("node").get();
          return set != null
              && Boolean.TRUE.equals(set.getSpec().getTemplate().getSpec().getHostNetwork());
        });
    var pod =
        client
            .apps()
            .statefulSets()
            .inNamespace(c.namespace)
            .withName("node")
            .get()
            .getSpec()
            .getTemplate()
            .getSpec();
    var container = pod.getContainers().get(0);
    assertThat(pod.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
    assertThat(container.getArgs())
        .containsSubsequence("--listen", "$(POD_IP):17777", "--listen", "127.0.0.1:17777")
        .doesNotContain("0.0.0.0:17777");
    assertThat(container.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("POD_IP");
              assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("status.podIP");
            });
    assertThat(container.getArgs()).containsSubsequence("--metrics-listen", "$(POD_IP):17778");
    assertThat(container.getPorts())
        .extracting(p -> p.getContainerPort())
        .containsExactly(17777, 17778);
    assertThat(client.services().inNamespace(c.namespace).withName("node").get())
        .satisfies(s -> assertThat(s.getSpec().getPorts().get(0).getPort()).isEqualTo(17777));
  }

  @Test
  void builderPodsAllowTheInsecureEntitlementOnlyWhenTheBuilderSaysSo(TestInfo test) {
    var c = cluster = OperatorHarness.withFakePods(client, "insecure", 1);
    c.createBuilder("shared", 1, 1);
    await("the StatefulSet", WAIT, () -> insecureEnv(c, "shared") != null);
    assertThat(insecureEnv(c, "shared")).as("off by default").isEmpty();

    c.editBuilder("shared", spec -> spec.setAllowInsecureEntitlement(true));

    await(
        "the builder allowed to run insecure steps",
        WAIT,
        () -> insecureEnv(c, "shared").equals(List.of("true")));
  }

  /** SLIPWAY_ALLOW_INSECURE_ENTITLEMENT values of the builder container; null before it exists. */
  private static List<String> insecureEnv(OperatorHarness<?> c, String name) {
    var set = client.apps().statefulSets().inNamespace(c.namespace).withName(name).get();
    if (set == null) {
      return null;
    }
    return set.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getName().equals("SLIPWAY_ALLOW_INSECURE_ENTITLEMENT"))
        .map(e -> e.getValue())
        .toList();
  }

  @Test
  void aPodListedTwiceCountsOnceInItsNewestVersion() {
    java.util.function.BiFunction<String, String, io.fabric8.kubernetes.api.model.Pod> pod =
        (version, ip) ->
            new io.fabric8.kubernetes.api.model.PodBuilder()
                .withNewMetadata()
                .withName("pool-0")
                .withNamespace("ns")
                .withResourceVersion(version)
                .addToLabels("slipway.dev/builder", "pool")
                .endMetadata()
                .withNewSpec()
                .endSpec()
                .withNewStatus()
                .withPodIP(ip)
                .endStatus()
                .build();
    var pods =
        BuilderPods.of(
            java.util.List.of(pod.apply("12", "10.0.0.2"), pod.apply("9", "10.0.0.1")),
            "pool",
            null);
    assertThat(pods)
        .singleElement()
        .satisfies(p -> assertThat(p.endpoint()).isEqualTo("10.0.0.2:7777"));
  }

  @Test
  void podsAreReachedAtTheirIpWhenTheyHaveOne() {
    var pod =
        new io.fabric8.kubernetes.api.model.PodBuilder()
            .withNewMetadata()
            .withName("pool-0")
            .withNamespace("ns")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .addNewPort()
            .withName("grpc")
            .withContainerPort(7001)
            .endPort()
            .endContainer()
            .endSpec()
            .build();
    assertThat(BuilderNames.endpoint(pod, "pool")).isEqualTo("pool-0.pool.ns.svc:7001");
    pod.setStatus(
        new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPodIP("10.1.2.3").build());
    assertThat(BuilderNames.endpoint(pod, "pool")).isEqualTo("10.1.2.3:7001");
    pod.getStatus().setPodIP("fd00::5");
    assertThat(BuilderNames.endpoint(pod, "pool")).isEqualTo("[fd00::5]:7001");
  }

  @Test
  void scalesBothWaysAndRollsOutSpecChanges(TestInfo test) {
    var c = cluster = OperatorHarness.withFakePods(client, "scale", 2);
    c.createBuilder("pool", 1, 2);
    await("one pod", WAIT, () -> readyReplicas(c) == 1);
    String signingKey =
        client
            .secrets()
            .inNamespace(c.namespace)
            .withName("pool-slipway-signing")
            .get()
            .getData()
            .get("signing.pem");

    c.editBuilder("pool", s -> s.setReplicas(3));
    await(
        "three pods",
        WAIT,
        () -> readyReplicas(c) == 3 && c.builder("pool").getStatus().getPods().size() == 3);

    c.editBuilder("pool", s -> s.setReplicas(1));
    await(
        "back to one pod",
        WAIT,
        () -> readyReplicas(c) == 1 && c.builder("pool").getStatus().getPods().size() == 1);
    assertThat(c.pods.pods()).containsOnlyKeys("pool-0");

    c.editBuilder(
        "pool",
        s -> {
          s.setImage("127.0.0.1:5000/slipway-builder:v2");
          s.setNodeSelector(Map.of("slipway.dev/builders", "true"));
        });
    await(
        "the new image in the StatefulSet",
        WAIT,
        () ->
            "127.0.0.1:5000/slipway-builder:v2"
                .equals(
                    client
                        .apps()
                        .statefulSets()
                        .inNamespace(c.namespace)
                        .withName("pool")
                        .get()
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage()));
    assertThat(
            client
                .apps()
                .statefulSets()
                .inNamespace(c.namespace)
                .withName("pool")
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getNodeSelector())
        .containsEntry("slipway.dev/builders", "true");
    assertThat(
            client
                .secrets()
                .inNamespace(c.namespace)
                .withName("pool-slipway-signing")
                .get()
                .getData()
                .get("signing.pem"))
        .as("the signing key is generated once")
        .isEqualTo(signingKey);
  }

  @Test
  void deletingTheBuilderLeavesOnlyOwnedObjects(TestInfo test) {
    var c = cluster = OperatorHarness.withFakePods(client, "delete", 2);
    c.createBuilder("pool", 1, 2);
    await("one pod", WAIT, () -> readyReplicas(c) == 1);

    client.resource(c.builder("pool")).delete();

    await("the Builder gone", WAIT, () -> c.builder("pool") == null);
    // The API server's garbage collector deletes what the Builder owns; the mock server has none,
    // so check that everything created is owned.
    assertThat(client.apps().statefulSets().inNamespace(c.namespace).list().getItems())
        .allSatisfy(
            s ->
                assertThat(s.getMetadata().getOwnerReferences())
                    .extracting("kind")
                    .containsExactly("Builder"));
  }

  private int readyReplicas(OperatorHarness<?> c) {
    Builder b = c.builder("pool");
    return b == null || b.getStatus() == null || b.getStatus().getReadyReplicas() == null
        ? -1
        : b.getStatus().getReadyReplicas();
  }

  private static Condition condition(Builder builder, String type) {
    return builder.getStatus().getConditions().stream()
        .filter(x -> type.equals(x.getType()))
        .findFirst()
        .orElseThrow();
  }

  private static List<String> podLines(OperatorHarness<?> c) {
    Builder b = c.builder("pool");
    var status = b == null ? null : b.getStatus();
    return status == null || status.getPods() == null
        ? List.of()
        : status.getPods().stream()
            .map(p -> p.getName() + " " + p.getEndpoint() + " " + p.getMaxParallelBuilds())
            .toList();
  }
}
