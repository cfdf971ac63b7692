package dev.slipway.engine.snapshot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A process that leaves a committed snapshot, an active (mounted) snapshot, a mounted view and a
 * temp file behind, then waits to be killed with SIGKILL by {@link SnapshotRecoveryTest}.
 */
public final class SnapshotCrashDriver {

  public static void main(String[] args) throws Exception {
    Snapshotter snapshotter =
        Snapshotters.open(Path.of(args[0]), Optional.of(SnapshotterMode.OVERLAY));
    ActiveSnapshot base = snapshotter.prepare("base", null);
    Files.writeString(base.rootfs().resolve("kept"), "kept");
    snapshotter.commit(base);
    ActiveSnapshot running = snapshotter.prepare("running", "base");
    Files.writeString(running.rootfs().resolve("half-written"), "lost");
    snapshotter.view("base");
    Files.createTempFile(Path.of(args[0], StateDirectory.TEMP), "download", ".part");
    System.out.println("READY");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
