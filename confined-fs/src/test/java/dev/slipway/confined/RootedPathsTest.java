package dev.slipway.confined;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootedPathsTest {

  @TempDir Path rootfs;

  @Test
  void absoluteSymlinksStayInsideTheRootfs() throws IOException {
    Files.createSymbolicLink(rootfs.resolve("escape"), Path.of("/../../etc"));

    assertThat(RootedPaths.resolve(rootfs, "/escape/passwd"))
        .isEqualTo(rootfs.resolve("etc/passwd"));
  }

  @Test
  void relativeSymlinksAndDotDotCannotClimbAboveTheRoot() throws IOException {
    Files.createDirectories(rootfs.resolve("a"));
    Files.createSymbolicLink(rootfs.resolve("a/up"), Path.of("../../../.."));

    assertThat(RootedPaths.resolve(rootfs, "/a/up/x")).isEqualTo(rootfs.resolve("x"));
    assertThat(RootedPaths.resolve(rootfs, "../../y")).isEqualTo(rootfs.resolve("y"));
  }

  @Test
  void symlinkLoopsFailInsteadOfSpinning() throws IOException {
    Files.createSymbolicLink(rootfs.resolve("loop"), Path.of("loop"));

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RootedPaths.resolve(rootfs, "/loop/x"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("too many levels of symbolic links");
  }
}
