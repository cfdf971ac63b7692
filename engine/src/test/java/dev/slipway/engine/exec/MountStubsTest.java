package dev.slipway.engine.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountStubsTest {

  @TempDir Path rootfs;

  @Test
  void recordsCreatedParentsBeforeChildrenAndRemovesThemAgain() throws IOException {
    Files.createDirectories(rootfs.resolve("run"));
    MountStubs stubs = new MountStubs(rootfs);

    stubs.ensure("/run/secrets/token", false);
    stubs.ensure("/cache/go", true);
    stubs.ensure("/run", true);

    assertThat(stubs.created())
        .containsExactly("/run/secrets", "/run/secrets/token", "/cache", "/cache/go");
    MountStubs.remove(rootfs, stubs.created());
    assertThat(rootfs.resolve("run")).isEmptyDirectory();
    assertThat(rootfs.resolve("cache")).doesNotExist();
  }

  @Test
  void stubsTheStepFilledAreKept() throws IOException {
    MountStubs stubs = new MountStubs(rootfs);
    stubs.ensure("/run/secrets/token", false);
    Files.writeString(rootfs.resolve("run/keep"), "written by the step");

    MountStubs.remove(rootfs, stubs.created());

    assertThat(rootfs.resolve("run/secrets")).doesNotExist();
    assertThat(rootfs.resolve("run/keep")).hasContent("written by the step");
  }

  @Test
  void mountPointsBehindSymlinksAreCreatedInsideTheRootfs() throws IOException {
    Files.createSymbolicLink(rootfs.resolve("var"), Path.of("/../../data"));
    MountStubs stubs = new MountStubs(rootfs);

    stubs.ensure("/var/cache", true);

    assertThat(rootfs.resolve("data/cache")).isDirectory();
    assertThat(stubs.created()).containsExactly("/data", "/data/cache");
  }
}
