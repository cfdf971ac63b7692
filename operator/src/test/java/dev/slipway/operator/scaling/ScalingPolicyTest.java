package dev.slipway.operator.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.resource.BuilderAutoscaling;
import dev.slipway.operator.build.BuilderDemand;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScalingPolicyTest {

  private static BuilderAutoscaling spec(Integer min, Integer max, Integer target, String delay) {
    BuilderAutoscaling a = new BuilderAutoscaling();
    a.setMinReplicas(min);
    a.setMaxReplicas(max);
    a.setTargetQueuedPerReplica(target);
    a.setScaleDownDelay(delay);
    return a;
  }

  private static BuilderDemand demand(int waiting, int running) {
    return new BuilderDemand(waiting, running == 0 ? Map.of() : Map.of("p-0", running));
  }

  @Test
  void wantsEnoughPodsForTheTargetWithinTheBounds() {
    ScalingPolicy policy = ScalingPolicy.of(spec(1, 3, 2, "5m"));
    assertThat(policy.desired(demand(0, 0))).as("never below min").isEqualTo(1);
    assertThat(policy.desired(demand(3, 0))).as("ceil(3 / 2)").isEqualTo(2);
    assertThat(policy.desired(demand(2, 2))).as("running builds count too").isEqualTo(2);
    assertThat(policy.desired(demand(20, 0))).as("never above max").isEqualTo(3);
    assertThat(policy.scaleDownDelay()).isEqualTo(Duration.ofMinutes(5));
    assertThat(policy.reason(demand(18, 2), 3))
        .isEqualTo(
            "20 builds running or waiting (18 waiting), 3 replicas wanted (2 per replica, min 1,"
                + " max 3)");
  }

  @Test
  void minZeroWantsNoPodForNoBuild() {
    ScalingPolicy policy = ScalingPolicy.of(spec(0, 2, 2, "30s"));
    assertThat(policy.desired(demand(0, 0))).isZero();
    assertThat(policy.desired(demand(1, 0))).isEqualTo(1);
  }

  @Test
  void defaultsTargetAndDelay() {
    ScalingPolicy policy = ScalingPolicy.of(spec(0, 2, null, null));
    assertThat(policy.targetQueuedPerReplica()).isEqualTo(2);
    assertThat(policy.scaleDownDelay()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void refusesBadSpecsSayingWhichFieldAndHowToFixIt() {
    assertThatThrownBy(() -> ScalingPolicy.of(spec(null, 2, 2, "5m")))
        .hasMessage("spec.autoscaling.minReplicas is missing; set it");
    assertThatThrownBy(() -> ScalingPolicy.of(spec(-1, 2, 2, "5m")))
        .hasMessage("spec.autoscaling.minReplicas is -1; use 0 or more");
    assertThatThrownBy(() -> ScalingPolicy.of(spec(0, 0, 2, "5m")))
        .hasMessage(
            "spec.autoscaling.maxReplicas is 0; it must be at least 1 and at least minReplicas"
                + " (0)");
    assertThatThrownBy(() -> ScalingPolicy.of(spec(1, 2, 0, "5m")))
        .hasMessage("spec.autoscaling.targetQueuedPerReplica is 0; use 1 or more");
    assertThatThrownBy(() -> ScalingPolicy.of(spec(1, 2, 2, "five minutes")))
        .hasMessageStartingWith(
            "spec.autoscaling.scaleDownDelay: \"five minutes\" is not a duration");
  }
}
