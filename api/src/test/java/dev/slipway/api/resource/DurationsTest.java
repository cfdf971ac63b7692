package dev.slipway.api.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @Test
  void readsHoursMinutesAndSeconds() {
    assertThat(Durations.parse("f", "30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("f", "5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("f", "1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("f", "1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("f", "2m5s")).isEqualTo(Duration.ofSeconds(125));
    assertThat(Durations.parse("f", "0s")).isEqualTo(Duration.ZERO);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "5", "5 m", "m", "1.5h", "-1m", "30s5m", "1d", "5M", "99999999999999999999h"})
  void refusesOtherFormsNamingTheFieldAndTheAcceptedOnes(String value) {
    assertThatThrownBy(() -> Durations.parse("spec.autoscaling.scaleDownDelay", value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "spec.autoscaling.scaleDownDelay: \""
                + value
                + "\" is not a duration; write whole hours, minutes and seconds like 30s, 5m, 1h"
                + " or 1h30m");
  }

  @Test
  void refusesNoValue() {
    assertThatThrownBy(() -> Durations.parse("spec.x", null))
        .hasMessageStartingWith("spec.x: no value is not a duration");
  }
}
