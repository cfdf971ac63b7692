package dev.slipway.engine.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about the host's mount table. */
final class HostMounts {

  private HostMounts() {}

  /**
   * pivot_root(2) cannot move the initial ramfs/rootfs, so runtimes need {@code --no-pivot} when
   * the host (or the pod) runs straight from an initramfs.
   */
  static boolean rootIsInitramfs() {
    try {
      // The last mount on "/" is the visible one when several are stacked.
      String rootType = null;
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        // fields: id parent major:minor root mountpoint options [optional...] - fstype source
        String[] f = line.split(" ");
        int dash = line.indexOf(" - ");
        if (f.length > 4 && f[4].equals("/") && dash > 0) {
          String fsType = line.substring(dash + 3).split(" ")[0];
          rootType = fsType;
        }
      }
      return "rootfs".equals(rootType) || "ramfs".equals(rootType);
    } catch (IOException e) {
      // Without /proc we cannot tell; pivot_root is the safe, isolating default.
    }
    return false;
  }

  /** The file system type of the mount holding {@code path}, e.g. {@code tmpfs}. */
  static String fileSystemType(Path path) {
    try {
      return Files.getFileStore(path).type();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
