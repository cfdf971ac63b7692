package dev.slipway.operator;

import static dev.slipway.operator.testing.OperatorHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.BuilderLimits;
import dev.slipway.operator.testing.FakeBuilderPod;
import dev.slipway.operator.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A Builder's spec.limits reach its builder pods as the builder's limit settings, in bytes. */
@EnableKubernetesMockClient(crud = true)
class BuilderLimitsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final List<String> LIMIT_VARIABLES =
      List.of(
          "SLIPWAY_MAX_DOWNLOAD_BYTES",
          "SLIPWAY_MAX_ARCHIVE_BYTES",
          "SLIPWAY_MAX_LOG_BYTES_PER_STEP");
  static KubernetesClient client;
  private OperatorHarness<FakeBuilderPod> cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void limitsBecomeTheBuildersSettingsInBytes() {
    var c = cluster = OperatorHarness.withFakePods(client, "limits", 1);
    c.createBuilder("pool", 1, 1);
    await("the pod template", WAIT, () -> limitEnv(c).isEmpty() && statefulSet(c) != null);
    assertThat(limitEnv(c)).as("no limits set: the builder's defaults apply").isEmpty();

    c.editBuilder(
        "pool",
        spec -> {
          BuilderLimits limits = new BuilderLimits();
          limits.setMaxDownloadSize(new Quantity("2Gi"));
          limits.setMaxArchiveSize(new Quantity("500M"));
          limits.setMaxLogSizePerStep(new Quantity("1Mi"));
          spec.setLimits(limits);
        });

    await("the limits in the pod template", WAIT, () -> limitEnv(c).size() == 3);
    assertThat(limitEnv(c))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "SLIPWAY_MAX_DOWNLOAD_BYTES", "2147483648",
                "SLIPWAY_MAX_ARCHIVE_BYTES", "500000000",
                "SLIPWAY_MAX_LOG_BYTES_PER_STEP", "1048576"));
  }

  private static StatefulSet statefulSet(OperatorHarness<?> c) {
    return client.apps().statefulSets().inNamespace(c.namespace).withName("pool").get();
  }

  private static Map<String, String> limitEnv(OperatorHarness<?> c) {
    StatefulSet set = statefulSet(c);
    if (set == null) {
      return Map.of();
    }
    return set.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> LIMIT_VARIABLES.contains(e.getName()))
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }
}
