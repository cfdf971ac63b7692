package dev.slipway.operator.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.operator.control.BuilderPod;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BuildFollowerTest {

  private static BuilderPod pod(boolean terminating) {
    return new BuilderPod("b-0", "b-0:7777", "b-0", !terminating, terminating, null);
  }

  @Test
  void aRefusalFromAPodThatWentMeanwhileIsNotAFailedAttempt() {
    assertThat(BuildFollower.refusedAsLeaving(true, Optional.empty(), p -> false)).isTrue();
  }

  @Test
  void aRefusalFromAPodBeingDeletedOrDrainingIsNotAFailedAttempt() {
    assertThat(BuildFollower.refusedAsLeaving(true, Optional.of(pod(true)), p -> false)).isTrue();
    assertThat(BuildFollower.refusedAsLeaving(true, Optional.of(pod(false)), p -> true)).isTrue();
  }

  @Test
  void aRefusalFromAPodThatStaysOrABrokenStreamUsesUpTheAttempt() {
    assertThat(BuildFollower.refusedAsLeaving(true, Optional.of(pod(false)), p -> false)).isFalse();
    assertThat(BuildFollower.refusedAsLeaving(false, Optional.empty(), p -> true)).isFalse();
  }
}
