package dev.slipway.operator;

import static dev.slipway.operator.testing.OperatorHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.operator.testing.FakeBuilderPod;
import dev.slipway.operator.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How a Builder's pods are replaced: one at a time, each given the spec's drain grace. */
@EnableKubernetesMockClient(crud = true)
class BuilderRollingUpdateTest {

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
  void podsRollOneAtATimeAndGetTheDrainGraceOfTheSpec() {
    var c = cluster = OperatorHarness.withFakePods(client, "rolling", 2);
    c.createBuilder("pool", 2, 2);
    await("the StatefulSet", WAIT, () -> set(c) != null);

    StatefulSet set = set(c);
    var strategy = set.getSpec().getUpdateStrategy();
    assertThat(strategy.getType()).isEqualTo("RollingUpdate");
    assertThat(strategy.getRollingUpdate().getPartition()).isZero();
    assertThat(strategy.getRollingUpdate().getMaxUnavailable())
        .as("unset: one pod at a time, the next only once its replacement is Ready")
        .isNull();
    assertThat(set.getSpec().getMinReadySeconds()).isNull();
    assertThat(set.getSpec().getPodManagementPolicy())
        .as("Parallel concerns scaling only, not updates")
        .isEqualTo("Parallel");
    assertThat(grace(set)).as("default 30m + the stop margin").isEqualTo(1800 + 30);
    assertThat(drainTimeout(set)).isEqualTo("1800s");

    c.editBuilder("pool", s -> s.setDrainGracePeriod("1h30m"));

    await("the new grace", WAIT, () -> grace(set(c)) == 5400 + 30);
    assertThat(drainTimeout(set(c))).isEqualTo("5400s");
  }

  @Test
  void aDrainGracePeriodThatIsNoDurationIsReportedOnTheBuilder() {
    var c = cluster = OperatorHarness.withFakePods(client, "badgrace", 2);
    c.createBuilder("pool", 1, 2);
    await("the StatefulSet", WAIT, () -> set(c) != null);

    c.editBuilder("pool", s -> s.setDrainGracePeriod("9000h"));

    await(
        "the Builder says why it is not ready",
        WAIT,
        () ->
            c.builder("pool").getStatus() != null
                && c.builder("pool").getStatus().getConditions().stream()
                    .anyMatch(
                        k ->
                            k.getType().equals("Ready")
                                && k.getStatus().equals("False")
                                && k.getReason().equals("InvalidSpec")
                                && k.getMessage().contains("spec.drainGracePeriod")
                                && k.getMessage().contains("1h30m")));
    assertThat(grace(set(c))).as("the pods keep the last good grace").isEqualTo(1830);
  }

  private static StatefulSet set(OperatorHarness<?> c) {
    return client.apps().statefulSets().inNamespace(c.namespace).withName("pool").get();
  }

  private static long grace(StatefulSet set) {
    return set.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
  }

  private static String drainTimeout(StatefulSet set) {
    return set.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getName().equals("SLIPWAY_DRAIN_TIMEOUT"))
        .map(e -> e.getValue())
        .filter(Objects::nonNull)
        .findFirst()
        .orElse(null);
  }
}
