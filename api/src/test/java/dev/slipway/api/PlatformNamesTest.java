package dev.slipway.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlatformNamesTest {

  @ParameterizedTest
  @CsvSource({
    "linux/amd64, linux/amd64",
    "Linux/X86_64, linux/amd64",
    "linux/amd64/v1, linux/amd64",
    "linux/amd64/v3, linux/amd64/v3",
    "linux/aarch64, linux/arm64",
    "linux/arm64/v8, linux/arm64",
    "linux/arm, linux/arm/v7",
    "linux/arm/6, linux/arm/v6",
    "linux/armhf, linux/arm/v7",
    "linux/i686, linux/386",
    "' linux/riscv64 ', linux/riscv64",
    "not-a-platform, not-a-platform",
  })
  void spellsAPlatformAsContainerdDoes(String given, String canonical) {
    assertThat(PlatformNames.normalize(given)).isEqualTo(canonical);
  }
}
