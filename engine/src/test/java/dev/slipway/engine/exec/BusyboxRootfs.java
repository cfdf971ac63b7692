package dev.slipway.engine.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** A minimal root filesystem made of the host's busybox-static, built per test in a temp dir. */
final class BusyboxRootfs {

  private static final Path BUSYBOX = Path.of("/bin/busybox");
  private static final List<String> APPLETS =
      List.of(
          "sh",
          "ls",
          "cat",
          "id",
          "echo",
          "sleep",
          "pwd",
          "env",
          "touch",
          "mkdir",
          "stat",
          "mount",
          "ip",
          "grep",
          "wc",
          "ps",
          "hostname",
          "test",
          "true");

  private BusyboxRootfs() {}

  static Path create(Path dir) throws IOException {
    Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
    Path bin = Files.createDirectories(rootfs.resolve("bin"));
    Files.copy(BUSYBOX, bin.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
    for (String applet : APPLETS) {
      Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
    }
    Path etc = Files.createDirectories(rootfs.resolve("etc"));
    Files.writeString(
        etc.resolve("passwd"),
        """
        root:x:0:0:root:/root:/bin/sh
        app:x:1000:1000:app user:/home/app:/bin/sh
        nobody:x:65534:65534:nobody:/nonexistent:/bin/false
        """);
    Files.writeString(
        etc.resolve("group"),
        """
        root:x:0:
        app:x:1000:
        builders:x:2000:app,other
        audio:x:29:app
        nogroup:x:65534:
        """);
    Files.createDirectories(rootfs.resolve("tmp"));
    return rootfs;
  }
}
