package dev.slipway.api.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void readsHoursMinutesAndSecondsInGoForm() {
    assertThat(Durations.parse("f", "30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("f", "5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("f", "1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("f", "1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("f", "2h0m15s")).isEqualTo(Duration.ofSeconds(7215));
    assertThat(Durations.parse("f", " 0s ")).isZero();
  }

  @Test
  void refusesOtherFormsNamingTheFieldAndTheAcceptedOnes() {
    for (String bad :
        new String[] {
          "",
          "30",
          "5 m",
          "1m1h",
          "-5m",
          "1.5h",
          "5d",
          "PT5M",
          "m",
          "9000h",
          "99999999999999999999s"
        }) {
      assertThatThrownBy(() -> Durations.parse("spec.drainGracePeriod", bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("spec.drainGracePeriod")
          .hasMessageContaining("30s, 5m, 1h or 1h30m");
    }
    assertThatThrownBy(() -> Durations.parse("--drain-timeout", null))
        .hasMessageContaining("--drain-timeout");
  }

  @Test
  void theCrdPatternAcceptsWhatParseReads() {
    java.util.regex.Pattern crd = java.util.regex.Pattern.compile(Durations.PATTERN);
    for (String good : new String[] {"30s", "5m", "1h", "1h30m", "2h0m15s", "0s"}) {
      assertThat(crd.matcher(good).matches()).as(good).isTrue();
      Durations.parse("f", good);
    }
    for (String bad : new String[] {"", "30", "5 m", "1m1h", "1.5h", "5d", "PT5M", "m"}) {
      assertThat(crd.matcher(bad).matches()).as(bad).isFalse();
    }
  }
}
