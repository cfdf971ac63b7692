package dev.slipway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BusyboxTest {
  @TempDir Path dir;

  @Test
  void theArchiveHoldsTheBlobsItsDigestsName() {
    String listing = Command.of("tar", "-tf", Busybox.ARCHIVE.toString()).output();

    for (String digest : new String[] {Busybox.MANIFEST, Busybox.CONFIG, Busybox.LAYER}) {
      assertThat(listing).contains("blobs/sha256/" + digest.substring("sha256:".length()));
    }
  }

  @Test
  void theUnpackedLayerIsARootFilesystemWithAShell() throws Exception {
    Path rootfs = Busybox.unpack(dir.resolve("rootfs"));

    assertThat(rootfs.resolve("bin/busybox")).isExecutable();
    assertThat(Files.readSymbolicLink(rootfs.resolve("bin/sh"))).hasToString("busybox");
    assertThat(rootfs.resolve("etc/passwd")).isRegularFile();
    assertThat(rootfs.resolve("tmp")).isDirectory();
    assertThat(Command.of(rootfs.resolve("bin/busybox").toString(), "echo", "hi").output())
        .isEqualTo("hi\n");
  }
}
