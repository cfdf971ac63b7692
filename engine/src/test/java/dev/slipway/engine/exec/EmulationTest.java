package dev.slipway.engine.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.content.Platform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmulationTest {
  @TempDir Path binfmt;

  private void handler(String name, String status, String flags) throws Exception {
    Files.writeString(
        binfmt.resolve(name),
        status
            + "\ninterpreter /usr/libexec/qemu-binfmt/"
            + name
            + "\nflags: "
            + flags
            + "\noffset 0\nmagic 7f454c46\n");
  }

  @Test
  void onlyEnabledHandlersWithTheFixBinaryFlagCountAndTheHostsOwnIsLeftOut() throws Exception {
    handler("qemu-aarch64", "enabled", "POF");
    handler("qemu-arm", "enabled", "OC"); // no F: the interpreter is not inside a container
    handler("qemu-riscv64", "disabled", "F");
    handler("qemu-s390x", "enabled", "F");
    handler("qemu-x86_64", "enabled", "F");
    Files.writeString(binfmt.resolve("status"), "enabled\n");
    Platform amd64 = new Platform("linux", "amd64", "");
    assertThat(Emulation.emulated(binfmt, amd64))
        .containsExactly(new Platform("linux", "arm64", ""), new Platform("linux", "s390x", ""));
    assertThat(Emulation.emulated(binfmt, new Platform("linux", "arm64", "v8")))
        .containsExactly(amd64, new Platform("linux", "s390x", ""));
  }

  @Test
  void noBinfmtMiscMeansNothingIsEmulated() {
    assertThat(Emulation.emulated(binfmt.resolve("absent"), Platform.host())).isEmpty();
  }

  @Test
  void anArm64HostRuns32BitArmWithoutAHandlerAsAnAmd64HostRunsI386() {
    Platform arm64 = Platform.parse("linux/arm64");
    assertThat(Emulation.runs(Platform.parse("linux/arm/v7"), arm64, List.of())).isTrue();
    assertThat(Emulation.runs(Platform.parse("linux/arm/v6"), arm64, List.of())).isTrue();
    assertThat(Emulation.runs(Platform.parse("linux/386"), arm64, List.of())).isFalse();
    Platform amd64 = Platform.parse("linux/amd64");
    assertThat(Emulation.runs(Platform.parse("linux/386"), amd64, List.of())).isTrue();
    assertThat(Emulation.runs(Platform.parse("linux/arm/v7"), amd64, List.of())).isFalse();
    assertThat(
            Emulation.runs(
                Platform.parse("linux/arm/v7"), amd64, List.of(Platform.parse("linux/arm/v7"))))
        .isTrue();
  }

  @Test
  void thisMachineRunsItsOwnPlatformAndNotAnUnknownOne() {
    assertThat(Emulation.runs(Platform.host())).isTrue();
    assertThat(Emulation.runs(Platform.parse("linux/mips64le"))).isFalse();
    assertThat(Emulation.runs(Platform.parse("windows/" + Platform.host().architecture())))
        .isFalse();
  }
}
