package dev.slipway.engine.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the executor needs to know about the host's cgroup layout. */
record HostCgroups(boolean hybridWithV2Controllers) {

  /**
   * Hybrid layout: v1 controllers under /sys/fs/cgroup and a v2 tree at /sys/fs/cgroup/unified. It
   * only matters when that v2 tree owns controllers.
   */
  static HostCgroups read() {
    Path controllers = Path.of("/sys/fs/cgroup/unified/cgroup.controllers");
    try {
      return new HostCgroups(
          Files.isRegularFile(controllers) && !Files.readString(controllers).isBlank());
    } catch (IOException e) {
      return new HostCgroups(false);
    }
  }
}
