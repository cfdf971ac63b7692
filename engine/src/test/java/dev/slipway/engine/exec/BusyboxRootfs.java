package dev.slipway.engine.exec;

import dev.slipway.testing.Busybox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The busybox image's root filesystem, unpacked per test, with users and groups to resolve. */
final class BusyboxRootfs {

  private BusyboxRootfs() {}

  static Path create(Path dir) throws IOException {
    Path rootfs = Busybox.unpack(dir.resolve("rootfs"));
    Path etc = rootfs.resolve("etc");
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
    return rootfs;
  }
}
