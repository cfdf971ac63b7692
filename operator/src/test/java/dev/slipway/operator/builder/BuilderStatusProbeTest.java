package dev.slipway.operator.builder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.BuilderPodStatus;
import dev.slipway.operator.control.BuilderPod;
import org.junit.jupiter.api.Test;

class BuilderStatusProbeTest {

  @Test
  void aPodTheAutoscalerMarkedShowsAsDrainingAndNotReady() {
    BuilderPodStatus status =
        new BuilderStatusProbe(null)
            .probe(new BuilderPod("b-1", "b-1:7777", "b-1", true, false, null), true)
            .status();
    assertThat(status.getDraining()).isTrue();
    assertThat(status.getReady()).isFalse();
  }

  @Test
  void anUnmarkedPodThatIsNotBeingDeletedIsNotDraining() {
    BuilderPodStatus status =
        new BuilderStatusProbe(null)
            .probe(new BuilderPod("b-1", "b-1:7777", "b-1", true, false, null), false)
            .status();
    assertThat(status.getDraining()).isFalse();
  }
}
