package dev.slipway.operator.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A pod of the writer's predictable name that someone else created is never written into. */
@EnableKubernetesMockClient(crud = true)
class VolumeWriterPodTest {

  static KubernetesClient client;

  @BeforeEach
  void clean() {
    client.pods().inNamespace("team").withName("app-output-1").withGracePeriod(0).delete();
  }

  private static BuildRequest request() {
    BuildRequest request = new BuildRequest();
    request.setMetadata(
        new ObjectMetaBuilder().withName("app").withNamespace("team").withUid("uid-app").build());
    request.setSpec(new BuildRequestSpec());
    return request;
  }

  private static Pod desired() {
    return VolumeWriterPod.desired(
        request(),
        1,
        new PodSpecBuilder().addNewContainer().withImage("builder:1").endContainer().build(),
        List.of("artifacts"));
  }

  private static Pod ready(Pod pod) {
    return new PodBuilder(pod)
        .withNewStatus()
        .withPhase("Running")
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .endCondition()
        .endStatus()
        .build();
  }

  private static final VolumeTarget TARGET =
      new VolumeTarget(0, "artifacts", 0, "out.tar", false, "tar");

  @Test
  void aPlantedPodOfTheWritersNameIsRefusedNamedAndToBeDeleted() {
    Pod desired = desired();
    // A tenant's own pod, with the writer's name and even its label, but no owner reference.
    Pod planted =
        ready(
            new PodBuilder()
                .withNewMetadata()
                .withName(desired.getMetadata().getName())
                .withNamespace("team")
                .withLabels(Map.of(VolumeWriterPod.WRITER_OF, "uid-app"))
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("writer")
                .withImage("evil:1")
                .endContainer()
                .endSpec()
                .build());
    client.pods().inNamespace("team").resource(planted).create();

    VolumeWriterPod pod = VolumeWriterPod.create(client, desired);

    assertThatThrownBy(() -> pod.open(TARGET, Duration.ofSeconds(1)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("team/app-output-1")
        .hasMessageContaining("does not own it")
        .hasMessageContaining("kubectl delete pod -n team app-output-1");
    assertThat(client.pods().inNamespace("team").withName("app-output-1").get().getSpec())
        .satisfies(s -> assertThat(s.getContainers().getFirst().getImage()).isEqualTo("evil:1"));
  }

  @Test
  void aPodOwnedByAnotherRequestIsRefusedToo() {
    Pod desired = desired();
    Pod other = ready(new PodBuilder(desired).build());
    other.getMetadata().getOwnerReferences().getFirst().setUid("uid-other");
    client.pods().inNamespace("team").resource(other).create();

    VolumeWriterPod pod = VolumeWriterPod.create(client, desired);

    assertThatThrownBy(() -> pod.open(TARGET, Duration.ofSeconds(1)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("does not own it");
  }

  @Test
  void itsOwnPodIsKeptAndWaitedFor() {
    Pod desired = desired();
    VolumeWriterPod pod = VolumeWriterPod.create(client, desired);

    // Not ready in the mock server: the refusal is the readiness one, not the ownership one.
    assertThatThrownBy(() -> pod.open(TARGET, Duration.ofMillis(200)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("did not start")
        .hasMessageNotContaining("does not own");
  }
}
