package dev.slipway.cli.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ByteSizesTest {

  @Test
  void formatsLikeDockersHumanSize() {
    assertThat(ByteSizes.format(0)).isEqualTo("0B");
    assertThat(ByteSizes.format(999)).isEqualTo("999B");
    assertThat(ByteSizes.format(4096)).isEqualTo("4.096kB");
    assertThat(ByteSizes.format(12_345_678)).isEqualTo("12.35MB");
    assertThat(ByteSizes.format(2_000_000_000L)).isEqualTo("2GB");
  }

  @Test
  void parsesKeepStorageInBinaryUnits() {
    assertThat(ByteSizes.parse("1048576")).isEqualTo(1_048_576);
    assertThat(ByteSizes.parse("512MB")).isEqualTo(512L << 20);
    assertThat(ByteSizes.parse("10g")).isEqualTo(10L << 30);
    assertThat(ByteSizes.parse("1.5GiB")).isEqualTo(3L << 29);
    assertThatThrownBy(() -> ByteSizes.parse("lots")).hasMessageContaining("512MB");
  }

  @Test
  void saysHowLongAgo() {
    Instant now = Instant.parse("2024-05-01T12:00:00Z");
    assertThat(LastAccessed.since(now.minusMillis(200), now)).isEqualTo("Less than a second ago");
    assertThat(LastAccessed.since(now.minus(Duration.ofMinutes(5)), now))
        .isEqualTo("5 minutes ago");
    assertThat(LastAccessed.since(now.minus(Duration.ofMinutes(61)), now))
        .isEqualTo("About an hour ago");
    assertThat(LastAccessed.since(now.minus(Duration.ofDays(3)), now)).isEqualTo("3 days ago");
  }
}
