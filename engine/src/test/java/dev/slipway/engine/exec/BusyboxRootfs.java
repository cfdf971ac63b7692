package dev.slipway.engine.exec;

import dev.slipway.testing.Busybox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The busybox image's root filesystem, unpacked per test, with users and groups to resolve. Only
 * /bin, /etc and /tmp are kept: the tests check which mount points (/proc, /dev, /run, /usr) the
 * executor creates and removes again.
 */
final class BusyboxRootfs {
  private static final Set<String> KEPT = Set.of("bin", "etc", "tmp");

  private BusyboxRootfs() {}

  static Path create(Path dir) throws IOException {
    Path rootfs = Busybox.unpack(dir.resolve("rootfs"));
    try (Stream<Path> top = Files.list(rootfs)) {
      for (Path entry : top.filter(p -> !KEPT.contains(p.getFileName().toString())).toList()) {
        delete(entry);
      }
    }
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

  private static void delete(Path tree) throws IOException {
    try (Stream<Path> paths = Files.walk(tree)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
