package dev.slipway.engine.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciRuntimeTest {

  @TempDir Path temp;

  @Test
  void missingRuntimeSaysWhichPackagesToInstall() {
    assertThatThrownBy(() -> OciRuntime.detect(temp.toString(), new HostCgroups(false)))
        .isInstanceOf(OciRuntimeNotFoundException.class)
        .hasMessageContaining("crun not on PATH")
        .hasMessageContaining("runc not on PATH")
        .hasMessageContaining("apt-get install crun")
        .hasMessageContaining("apt-get install runc");
  }

  @Test
  void configuredPathThatDoesNotExistIsAClearError() {
    assertThatThrownBy(() -> OciRuntime.at(temp.resolve("crun")))
        .isInstanceOf(OciRuntimeNotFoundException.class)
        .hasMessageContaining(temp.resolve("crun") + " does not exist");
  }

  @Test
  void prefersCrunUnlessHybridCgroupsRuleItOut() throws IOException {
    Path bin = Files.createDirectories(temp.resolve("bin"));
    fakeRuntime(bin, "crun", "crun version 1.8.1");
    fakeRuntime(bin, "runc", "runc version 1.1.5");

    OciRuntime plain = OciRuntime.detect(bin.toString(), new HostCgroups(false));
    assertThat(plain.name()).isEqualTo("crun");
    assertThat(plain.version()).isEqualTo("crun version 1.8.1");

    OciRuntime hybrid = OciRuntime.detect(bin.toString(), new HostCgroups(true));
    assertThat(hybrid.name()).isEqualTo("runc");
    assertThat(hybrid.executable()).isEqualTo(bin.resolve("runc"));
  }

  @Test
  void detectsARealRuntimeOnThisMachine() {
    OciRuntime runtime = OciRuntime.detect();

    assertThat(runtime.name()).isIn("crun", "runc");
    assertThat(runtime.version()).startsWith(runtime.name() + " version");
  }

  private static void fakeRuntime(Path bin, String name, String version) throws IOException {
    Path script = bin.resolve(name);
    Files.writeString(script, "#!/bin/sh\necho '" + version + "'\necho 'spec: 1.0.0'\n");
    script.toFile().setExecutable(true);
  }
}
