package dev.slipway.engine.snapshot;

import dev.slipway.engine.fs.HostCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

/**
 * The fallback where nothing can be mounted: every snapshot is a full copy of its parent's tree
 * ({@code cp -a}, which keeps hardlinks, devices, ownership, modes, nanosecond times and all
 * extended attributes, and shares blocks with {@code --reflink=auto} where the file system can). A
 * layer's changes are found by comparing its tree with its parent's.
 */
public final class CopySnapshotter extends LocalSnapshotter {

  CopySnapshotter(StateDirectory state) throws IOException {
    super(state);
  }

  @Override
  public SnapshotterMode mode() {
    return SnapshotterMode.COPY;
  }

  @Override
  protected void createRootfs(Path activeDir, Path rootfs, List<CommittedSnapshot> chain)
      throws IOException {
    if (chain.isEmpty()) {
      Files.createDirectory(rootfs);
      Files.setPosixFilePermissions(rootfs, PosixFilePermissions.fromString("rwxr-xr-x"));
      return;
    }
    Path cp = HostCommands.require("cp", "coreutils");
    HostCommands.run(
        null,
        List.of(
            cp.toString(),
            "-a",
            "--reflink=auto",
            chain.get(0).directory().toString(),
            rootfs.toString()),
        null);
  }

  @Override
  protected Path sealLayer(Path activeDir, Path rootfs) {
    return rootfs;
  }

  @Override
  protected void releaseRootfs(Path rootfs) {
    // A copied rootfs is plain files; deleting the active directory releases it.
  }

  @Override
  protected SnapshotView openView(
      CommittedSnapshot snapshot,
      List<CommittedSnapshot> chain,
      Path mountPoint,
      Runnable released) {
    return new SnapshotView(snapshot.key(), snapshot.directory(), released::run);
  }

  @Override
  protected LayerDiff computeDiff(CommittedSnapshot snapshot, Optional<CommittedSnapshot> parent)
      throws IOException {
    return TreeDiff.between(parent.map(CommittedSnapshot::directory), snapshot.directory());
  }
}
