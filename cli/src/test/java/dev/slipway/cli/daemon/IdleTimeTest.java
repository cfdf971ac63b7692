package dev.slipway.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class IdleTimeTest {
  @Test
  void unitsAndTheDefault() {
    assertThat(IdleTime.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(IdleTime.parse("10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(IdleTime.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(IdleTime.parse("45")).isEqualTo(Duration.ofSeconds(45));
    assertThat(IdleTime.parse(null)).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void nonsenseIsNamed() {
    assertThatThrownBy(() -> IdleTime.parse("soon"))
        .hasMessageContaining("SLIPWAY_DAEMON_IDLE=soon is not a duration");
    assertThatThrownBy(() -> IdleTime.parse("0s")).hasMessageContaining("is not a duration");
  }
}
