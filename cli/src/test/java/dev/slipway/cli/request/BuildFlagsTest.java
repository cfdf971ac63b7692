package dev.slipway.cli.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.cli.usage.UsageException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Flags buildx refuses together are usage errors that say which and how to fix them. */
class BuildFlagsTest {

  private static BuildFlags flags(String... args) {
    BuildFlags flags = new BuildFlags();
    new CommandLine(flags).parseArgs(args);
    return flags;
  }

  @Test
  void quietWithAnotherProgressModeIsRefused() {
    assertThatThrownBy(() -> flags("-q", "--progress", "plain", ".").checkCombinations())
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("-q/--quiet and --progress plain cannot be used together")
        .hasMessageContaining("drop one of them");
    assertThatCode(() -> flags("-q", "--progress", "quiet", ".").checkCombinations())
        .doesNotThrowAnyException();
    assertThatCode(() -> flags("-q", ".").checkCombinations()).doesNotThrowAnyException();
  }

  @Test
  void quietWithAnOutputToStandardOutputIsRefused() {
    for (String output : new String[] {"-", "type=tar,dest=-", "type=oci,dest=-"}) {
      assertThatThrownBy(() -> flags("-q", "-o", output, ".").checkCombinations())
          .as(output)
          .isInstanceOf(UsageException.class)
          .hasMessageContaining("dest=-")
          .hasMessageContaining("drop -q");
    }
    assertThatCode(() -> flags("-q", "-o", "type=tar,dest=out.tar", ".").checkCombinations())
        .doesNotThrowAnyException();
    assertThatCode(() -> flags("-o", "-", ".").checkCombinations()).doesNotThrowAnyException();
  }

  @Test
  void loadWithAFrontendCallIsRefused() {
    assertThatThrownBy(() -> flags("--load", "--check", ".").checkCombinations())
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--load and --check cannot be used together");
    assertThatThrownBy(() -> flags("--load", "--call", "outline", ".").checkCombinations())
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--load and --call outline cannot be used together");
    assertThatCode(() -> flags("--load", "--call", "build", ".").checkCombinations())
        .doesNotThrowAnyException();
    assertThatCode(() -> flags("--load", ".").checkCombinations()).doesNotThrowAnyException();
  }

  @Test
  void signKeyAsksForTheReservedSecretIdWhichASecretCannotTake() {
    ContextPaths inline = new ContextPaths(null, null, "FROM scratch\n");
    assertThat(
            flags("--sign-key", "key.pem", "--push", "-t", "reg.example/app:1", "-")
                .toRequest(inline, Map.of())
                .getSigningKeySecretId())
        .isEqualTo(BuildFlags.SIGNING_KEY_SECRET_ID);
    assertThat(
            flags("-t", "reg.example/app:1", "-")
                .toRequest(inline, Map.of())
                .getSigningKeySecretId())
        .isEmpty();
    assertThatThrownBy(
            () ->
                flags("--secret", "id=slipway.signing-key,env=KEY", "-")
                    .toRequest(inline, Map.of("KEY", "x")))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--secret id=slipway.signing-key: that id is reserved");
  }

  @Test
  void aDockerArchiveOfAnImageIndexIsRefusedAsBuildxRefusesIt() {
    String message = "docker exporter does not currently support exporting manifest lists";
    assertThatThrownBy(
            () -> flags("--load", "--platform", "linux/amd64,linux/arm64", ".").checkCombinations())
        .isInstanceOf(UsageException.class)
        .hasMessageContaining(message)
        .hasMessageContaining("--load")
        .hasMessageContaining("--platform linux/amd64,linux/arm64")
        .hasMessageContaining("--push");
    assertThatThrownBy(
            () ->
                flags("-o", "type=docker,dest=x.tar", "--platform", "linux/amd64,linux/arm64", ".")
                    .checkCombinations())
        .hasMessageContaining(message)
        .hasMessageContaining("--output type=docker");
    assertThatThrownBy(() -> flags("--load", "--sbom=true", ".").checkCombinations())
        .hasMessageContaining(message)
        .hasMessageContaining("the attestations");
    assertThatThrownBy(() -> flags("--load", "--provenance=mode=max", ".").checkCombinations())
        .hasMessageContaining(message);
    assertThatCode(
            () ->
                flags(
                        "--load",
                        "--platform",
                        "linux/arm64,linux/aarch64",
                        "--provenance=false",
                        ".")
                    .checkCombinations())
        .as("one platform once deduplicated, provenance off")
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                flags("-o", "type=oci,dest=x.tar", "--platform", "linux/amd64,linux/arm64", ".")
                    .checkCombinations())
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                flags(
                        "--push",
                        "-t",
                        "r/x:1",
                        "--platform",
                        "linux/amd64,linux/arm64",
                        "--sbom=1",
                        ".")
                    .checkCombinations())
        .doesNotThrowAnyException();
  }
}
