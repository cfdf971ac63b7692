package dev.slipway.api.resource;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The model classes read the examples and survive a create / status update / get cycle. */
@EnableKubernetesMockClient(crud = true)
class ResourceRoundTripTest {
  KubernetesClient client;

  @Test
  void examplesReadIntoTheModel() throws Exception {
    BuildRequest git =
        Serialization.unmarshal(
            Files.readString(Path.of("../deploy/examples/buildrequest-git.yaml")),
            BuildRequest.class);
    assertThat(git.getSpec().getContext().getGit().getRef()).isEqualTo("v1.2.0");
    assertThat(git.getSpec().getSecrets().get(0).getSecretKeyRef().getName())
        .isEqualTo("npm-token");
    assertThat(git.getSpec().getOutputs().get(0).getType()).isEqualTo(OutputType.IMAGE);
    assertThat(git.getSpec().getCacheTo().get(0).getMode()).isEqualTo(CacheMode.MAX);
    assertThat(git.getSpec().getNoCache()).isFalse();
    assertThat(git.getSpec().getExtraHosts())
        .singleElement()
        .satisfies(
            h -> assertThat(h.getHost() + " " + h.getIp()).isEqualTo("npm.internal 10.0.12.7"));

    Builder builder =
        Serialization.unmarshal(
            Files.readString(Path.of("../deploy/examples/builder.yaml")), Builder.class);
    assertThat(builder.getSpec().getReplicas()).isEqualTo(2);
    assertThat(builder.getSpec().getCache().getSize().toString()).isEqualTo("20Gi");
    assertThat(builder.getSpec().getNetwork()).isEqualTo(NetworkMode.HOST);
    assertThat(builder.getSpec().getDrainGracePeriod()).isEqualTo("45m");
    assertThat(builder.getSpec().getLimits().getMaxDownloadSize().toString()).isEqualTo("4Gi");
    assertThat(builder.getSpec().getLimits().getMaxLogSizePerStep().toString()).isEqualTo("2Mi");
  }

  @Test
  void statusUpdatesRoundTripThroughTheApi() throws Exception {
    BuildRequest request =
        Serialization.unmarshal(
            Files.readString(Path.of("../deploy/examples/buildrequest-git.yaml")),
            BuildRequest.class);
    request.getMetadata().setNamespace("ns");
    client.resource(request).create();

    BuildRequestStatus status = new BuildRequestStatus();
    status.setPhase(BuildPhase.SUCCEEDED);
    status.setBuilderPod("default-0");
    BuildResultStatus result = new BuildResultStatus();
    result.setDigest("sha256:" + "ab".repeat(32));
    result.setRefs(List.of("registry.internal:5000/team/app:1.2.0@" + result.getDigest()));
    status.setResult(result);
    status.setConditions(
        List.of(new ConditionBuilder().withType("Complete").withStatus("True").build()));
    request.setStatus(status);
    client.resource(request).updateStatus();

    BuildRequest read =
        client.resources(BuildRequest.class).inNamespace("ns").withName("app-v1-2-0").get();
    assertThat(read.getStatus().getPhase()).isEqualTo(BuildPhase.SUCCEEDED);
    assertThat(read.getStatus().getPhase().isFinal()).isTrue();
    assertThat(read.getStatus().getResult().getDigest()).isEqualTo(result.getDigest());
    assertThat(read.getSpec().getContext().getGit().getUrl())
        .isEqualTo("https://git.example.com/team/app.git");
  }
}
