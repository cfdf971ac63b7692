package dev.slipway.cli.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.cli.usage.UsageException;
import dev.slipway.engine.content.Platform;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** --platform as buildx reads it: comma-separated and repeated, normalized, deduplicated. */
class PlatformFlagTest {

  private static List<String> platforms(String... args) {
    BuildFlags flags = new BuildFlags();
    new CommandLine(flags).parseArgs(args);
    return PlatformFlag.check(flags.platforms);
  }

  @Test
  void commaSeparatedAndRepeatedValuesAddUpInOrder() {
    assertThat(platforms("--platform", "linux/amd64,linux/arm64", "."))
        .containsExactly("linux/amd64", "linux/arm64");
    assertThat(
            platforms("--platform", "linux/arm64", "--platform", "linux/amd64,linux/arm/v7", "."))
        .containsExactly("linux/arm64", "linux/amd64", "linux/arm/v7");
    assertThat(platforms(".")).isEmpty();
  }

  @Test
  void twoSpellingsOfOnePlatformBuildItOnce() {
    assertThat(
            platforms(
                "--platform",
                "linux/amd64,linux/x86_64,LINUX/AMD64",
                "--platform",
                "linux/aarch64,linux/arm64/v8,linux/arm64",
                "."))
        .containsExactly("linux/amd64", "linux/arm64");
  }

  @ParameterizedTest(name = "[{index}] {0} is {1}")
  @CsvSource({
    "linux/x86_64, linux/amd64",
    "linux/amd64/v1, linux/amd64",
    "linux/amd64/v3, linux/amd64/v3",
    "linux/i386, linux/386",
    "linux/aarch64, linux/arm64",
    "linux/arm64/v8, linux/arm64",
    "linux/arm, linux/arm/v7",
    "linux/armhf, linux/arm/v7",
    "linux/arm/6, linux/arm/v6",
    "linux/riscv64, linux/riscv64",
  })
  void valuesAreNormalizedAsContainerdDoes(String given, String normalized) {
    assertThat(platforms("--platform", given, ".")).containsExactly(normalized);
  }

  @Test
  void localIsThisMachinesPlatform() {
    Platform host = PlatformFlag.normalize(Platform.host().toString());
    assertThat(platforms("--platform", "local", ".")).containsExactly(host.toString());
  }

  @Test
  void aBadValueIsAUsageErrorNamingIt() {
    assertThatThrownBy(() -> platforms("--platform", "linux/amd64,linux", "."))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--platform: invalid platform \"linux\"")
        .hasMessageContaining("os/arch[/variant]");
    assertThatThrownBy(() -> platforms("--platform", "linux/amd64/v2/x", "."))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("linux/amd64/v2/x");
    assertThatThrownBy(() -> platforms("--platform", "linux/amd64,,linux/arm64", "."))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("an empty platform");
  }
}
