package dev.slipway.operator;

import static dev.slipway.operator.testing.OperatorHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.control.v1.BuildState;
import dev.slipway.api.control.v1.Output;
import dev.slipway.api.resource.BuildOutput;
import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestSpec;
import dev.slipway.api.resource.OutputType;
import dev.slipway.operator.output.VolumeWriterPod;
import dev.slipway.operator.testing.FakeBuilderPod;
import dev.slipway.operator.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * GitOps outputs to volumes, as far as the operator's objects go: the writer pod it runs in the
 * request's namespace, what the builder is asked to do with such outputs, and that the pod goes
 * when the build ends or the request is deleted. The bytes' way into the claim is the e2e journey's
 * (JourneysIT), the writer's confinement VolumeWriterTest's.
 */
@EnableKubernetesMockClient(crud = true)
class VolumeOutputsReconcilerTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  static KubernetesClient client;
  private OperatorHarness<FakeBuilderPod> cluster;

  private OperatorHarness<FakeBuilderPod> cluster(TestInfo test) {
    cluster =
        OperatorHarness.withFakePods(
            client, test.getTestMethod().orElseThrow().getName().toLowerCase(), 2);
    cluster.createBuilder("b", 1, 2);
    await("a ready builder pod", WAIT, () -> cluster.pods.pod("b-0") != null);
    return cluster;
  }

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aWriterPodMountsTheRequestsClaimsLockedDownAndGoesWithTheCancel(TestInfo test) {
    var c = cluster(test);
    BuildRequest created =
        c.createRequest(
            "app",
            "b",
            20_000,
            s ->
                outputs(
                    s,
                    output(OutputType.OCI, "artifacts", "app/image.tar"),
                    output(OutputType.LOCAL, "artifacts", "rootfs"),
                    output(OutputType.TAR, "other", "fs.tar")));
    String podName = "app-output-1";
    await("the writer pod", WAIT, () -> writer(c, podName) != null);
    Pod pod = writer(c, podName);

    assertThat(pod.getMetadata().getNamespace()).isEqualTo(c.namespace);
    assertThat(pod.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("BuildRequest");
              assertThat(o.getUid()).isEqualTo(created.getMetadata().getUid());
              assertThat(o.getController()).isTrue();
            });
    assertThat(pod.getMetadata().getLabels())
        .containsEntry(VolumeWriterPod.WRITER_OF, created.getMetadata().getUid());
    assertThat(pod.getSpec().getVolumes())
        .filteredOn(v -> v.getPersistentVolumeClaim() != null)
        .extracting(Volume::getName, v -> v.getPersistentVolumeClaim().getClaimName())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("volume-0", "artifacts"),
            org.assertj.core.groups.Tuple.tuple("volume-1", "other"));
    Container writer = pod.getSpec().getContainers().getFirst();
    assertThat(writer.getImage())
        .as("the builder's image")
        .isEqualTo(OperatorHarness.DEFAULT_IMAGE);
    assertThat(writer.getVolumeMounts())
        .extracting(VolumeMount::getMountPath)
        .containsExactly("/slipway/volumes/0", "/slipway/volumes/1", "/tmp");
    assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getSpec().getHostNetwork()).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getSpec().getActiveDeadlineSeconds()).isPositive();
    assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSpec().getSecurityContext().getRunAsUser()).isNotZero();
    assertThat(pod.getSpec().getSecurityContext().getSeccompProfile().getType())
        .isEqualTo("RuntimeDefault");
    assertThat(writer.getSecurityContext().getPrivileged()).isFalse();
    assertThat(writer.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(writer.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(writer.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");

    await("Solve on the pod", WAIT, () -> !c.pods.pod("b-0").received().isEmpty());
    var solve = c.pods.pod("b-0").received().getLast().request();
    assertThat(solve.getOutputsList())
        .as("the builder sends them to the operator's session, never to a path of its own")
        .extracting(Output::getDest)
        .containsExactly(
            "client:artifacts/app/image.tar", "client:artifacts/rootfs", "client:other/fs.tar");
    assertThat(solve.getSessionId()).startsWith("operator-");

    c.editRequest("app", s -> s.setCancel(true));

    await("cancelled", WAIT, () -> c.phase("app") == BuildPhase.CANCELLED);
    await("the writer pod gone", WAIT, () -> writer(c, podName) == null);
  }

  @Test
  void deletingTheRequestDeletesItsWriterPod(TestInfo test) {
    var c = cluster(test);
    c.createRequest(
        "doomed", "b", 20_000, s -> outputs(s, output(OutputType.OCI, "artifacts", "x.tar")));
    await("the writer pod", WAIT, () -> writer(c, "doomed-output-1") != null);

    client.resource(c.request("doomed")).delete();

    await("deleted", WAIT, () -> c.request("doomed") == null);
    await("the writer pod gone", WAIT, () -> writer(c, "doomed-output-1") == null);
  }

  @Test
  void aBuildWhoseOutputsNeverReachTheVolumeDoesNotSucceed(TestInfo test) {
    var c = cluster(test);
    c.createRequest(
        "lost",
        "b",
        50,
        s -> {
          outputs(s, output(OutputType.OCI, "artifacts", "x.tar"));
          s.setTimeoutSeconds(4L);
        });
    await("Solve on the pod", WAIT, () -> !c.pods.pod("b-0").received().isEmpty());
    String buildId = c.pods.pod("b-0").received().getLast().buildId();
    await(
        "the build done on its pod",
        WAIT,
        () -> c.pods.pod("b-0").state(buildId) == BuildState.BUILD_STATE_SUCCEEDED);

    await("the request's end", WAIT, () -> c.phase("lost") == BuildPhase.FAILED);
    assertThat(c.request("lost").getStatus().getMessage()).contains("timed out");
    await("the writer pod gone", WAIT, () -> writer(c, "lost-output-1") == null);
  }

  @Test
  void aDestOutOfTheClaimAndALocalCacheAreRefusedBeforeAnythingRuns(TestInfo test) {
    var c = cluster(test);
    c.createRequest(
        "escape", "b", 50, s -> outputs(s, output(OutputType.OCI, "artifacts", "../../etc/x")));
    c.createRequest(
        "cache",
        "b",
        50,
        s -> {
          var cache = new dev.slipway.api.resource.CacheSource();
          cache.setType(dev.slipway.api.resource.CacheType.LOCAL);
          cache.setVolumeClaimName("caches");
          cache.setPath("app");
          s.setCacheTo(List.of(cache));
        });

    await("refused", WAIT, () -> message(c, "escape").contains("spec.outputs[0].dest"));
    await("refused", WAIT, () -> message(c, "cache").contains("spec.cacheTo[0]"));
    assertThat(message(c, "escape")).contains("leaves the volume");
    assertThat(message(c, "cache")).contains("use type registry");
    assertThat(c.pods.pod("b-0").received()).isEmpty();
    assertThat(writer(c, "escape-output-1")).isNull();
  }

  private static String message(OperatorHarness<?> c, String name) {
    BuildRequest r = c.request(name);
    return r == null || r.getStatus() == null || r.getStatus().getMessage() == null
        ? ""
        : r.getStatus().getMessage();
  }

  private static Pod writer(OperatorHarness<?> c, String name) {
    return client.pods().inNamespace(c.namespace).withName(name).get();
  }

  private static void outputs(BuildRequestSpec spec, BuildOutput... outputs) {
    spec.setOutputs(List.of(outputs));
  }

  private static BuildOutput output(OutputType type, String claim, String dest) {
    BuildOutput o = new BuildOutput();
    o.setType(type);
    o.setVolumeClaimName(claim);
    o.setDest(dest);
    return o;
  }
}
