package dev.slipway.engine.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

/**
 * Snapshots on overlayfs: a committed snapshot is the upperdir its step wrote, and a rootfs stacks
 * the chain of committed layers below a fresh upperdir.
 *
 * <p>Mount options name layers relative to the state directory ({@code s/12:s/11:…:e}) and mount
 * runs there, so a few bytes per layer keep hundreds of layers under the one-page option limit.
 * {@code redirect_dir=off} and {@code metacopy=off} make every change in the upperdir
 * self-contained (no redirects to lower paths, no metadata-only copies), which is what lets an
 * upperdir be read as a layer diff; {@code index=off} keeps no inode index across mounts.
 */
public final class OverlaySnapshotter extends LocalSnapshotter {

  static final String FIXED_OPTIONS = "index=off,redirect_dir=off,metacopy=off";

  OverlaySnapshotter(StateDirectory state) throws IOException {
    super(state);
  }

  @Override
  public SnapshotterMode mode() {
    return SnapshotterMode.OVERLAY;
  }

  @Override
  protected void createRootfs(Path activeDir, Path rootfs, List<CommittedSnapshot> chain)
      throws IOException {
    Path upper = activeDir.resolve("upper");
    Files.createDirectories(upper);
    Files.setPosixFilePermissions(upper, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createDirectories(activeDir.resolve("work"));
    Files.createDirectories(rootfs);
    String relativeActive = state.root().relativize(activeDir).toString();
    String options =
        FIXED_OPTIONS
            + ",lowerdir="
            + lowerDirs(chain)
            + ",upperdir="
            + relativeActive
            + "/upper,workdir="
            + relativeActive
            + "/work";
    Mounts.mountOverlay(state.root(), options, rootfs);
  }

  @Override
  protected Path sealLayer(Path activeDir, Path rootfs) throws IOException {
    Mounts.unmount(rootfs);
    return activeDir.resolve("upper");
  }

  @Override
  protected void releaseRootfs(Path rootfs) throws IOException {
    if (Mounts.isMounted(rootfs)) {
      Mounts.unmount(rootfs);
    }
  }

  @Override
  protected SnapshotView openView(
      CommittedSnapshot snapshot, List<CommittedSnapshot> chain, Path mountPoint, Runnable released)
      throws IOException {
    Files.createDirectories(mountPoint);
    try {
      Mounts.mountOverlay(
          state.root(), "ro," + FIXED_OPTIONS + ",lowerdir=" + lowerDirs(chain), mountPoint);
    } catch (IOException e) {
      StateDirectory.deleteTree(mountPoint);
      throw e;
    }
    // A single layer over the empty directory shows exactly that layer's tree.
    Path layer = chain.size() == 1 ? snapshot.directory() : null;
    return new SnapshotView(
        snapshot.key(),
        mountPoint,
        layer,
        () -> {
          try {
            Mounts.unmount(mountPoint);
            StateDirectory.deleteTree(mountPoint);
          } finally {
            released.run();
          }
        });
  }

  @Override
  protected LayerDiff computeDiff(CommittedSnapshot snapshot, Optional<CommittedSnapshot> parent)
      throws IOException {
    return UpperDirDiff.of(snapshot.directory());
  }

  /**
   * The chain's layer directories, top first, relative to the state directory, ending with the
   * empty directory: overlayfs needs at least two lower layers when mounted without an upper, and
   * one when preparing on scratch.
   */
  private String lowerDirs(List<CommittedSnapshot> chain) {
    StringBuilder dirs = new StringBuilder();
    for (CommittedSnapshot layer : chain) {
      dirs.append(StateDirectory.COMMITTED).append('/').append(layer.id()).append(':');
    }
    return dirs.append(StateDirectory.EMPTY).toString();
  }
}
