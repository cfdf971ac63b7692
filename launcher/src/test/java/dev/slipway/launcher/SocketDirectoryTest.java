package dev.slipway.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SocketDirectoryTest {
  @TempDir Path tmp;

  @Test
  void aSocketPathTheKernelCannotBindIsRefusedWithTheWayOut() throws Exception {
    Path deep = Path.of("/tmp", "d".repeat(120), "0123456789abcdef.sock");
    assertThatThrownBy(() -> SocketDirectory.checkSocketPath(deep))
        .hasMessageContaining("beyond the")
        .hasMessageContaining("SLIPWAY_DAEMON_DIR");
    SocketDirectory.checkSocketPath(tmp.resolve("0123456789abcdef.sock"));
  }

  @Test
  void aNewDirectoryIsPrivate() throws Exception {
    Path dir = SocketDirectory.prepare(tmp.resolve("d"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
  }

  @Test
  void aSymbolicLinkIsRefusedEvenToAPrivateDirectory() throws Exception {
    Path real = SocketDirectory.prepare(tmp.resolve("real"));
    Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
    assertThatThrownBy(() -> SocketDirectory.prepare(link))
        .isInstanceOf(SocketDirectory.UnsafeDirectoryException.class)
        .hasMessageContaining(link + " is a symbolic link")
        .hasMessageContaining("rm " + link);
  }

  @Test
  void aDirectoryOthersMayEnterIsRefused() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("d"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    assertThatThrownBy(() -> SocketDirectory.prepare(dir))
        .hasMessageContaining("is open to others (rwx--x--x)")
        .hasMessageContaining("chmod 700 " + dir);
  }

  @Test
  void aFileIsNotADirectory() throws Exception {
    Path file = Files.writeString(tmp.resolve("f"), "");
    assertThatThrownBy(() -> SocketDirectory.prepare(file))
        .hasMessageContaining("is not a directory");
  }

  @Test
  void theDirectoryComesFromTheOverrideThenTheRuntimeDirectoryThenTmp() throws Exception {
    assertThat(
            SocketDirectory.locate(Map.of("SLIPWAY_DAEMON_DIR", "/x/d", "XDG_RUNTIME_DIR", "/r")))
        .isEqualTo(Path.of("/x/d"));
    assertThat(SocketDirectory.locate(Map.of("XDG_RUNTIME_DIR", "/run/user/7")))
        .isEqualTo(Path.of("/run/user/7/slipway"));
    assertThat(SocketDirectory.locate(Map.of()))
        .isEqualTo(Path.of("/tmp/slipway-" + SocketDirectory.currentUid()));
  }
}
