package dev.slipway.engine.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Opens the snapshotter of a state directory, choosing overlayfs when this machine allows it. */
public final class Snapshotters {

  private Snapshotters() {}

  /**
   * Recovers the state directory from a previous crash (see {@link SnapshotRecovery}) and opens its
   * snapshotter. Without {@code requested}, a directory keeps the mode it was created with and a
   * new one uses overlayfs if a probe mount in it succeeds, copies otherwise.
   */
  public static Snapshotter open(Path stateDir, Optional<SnapshotterMode> requested)
      throws IOException {
    requireUtf8FileNames();
    StateDirectory state = new StateDirectory(stateDir);
    Files.createDirectories(state.root());
    state.lock();
    try {
      state.createLayout();
      SnapshotRecovery.recoverLocked(state);
      return openLocked(state, requested);
    } catch (IOException | RuntimeException e) {
      state.unlock();
      throw e;
    }
  }

  private static Snapshotter openLocked(StateDirectory state, Optional<SnapshotterMode> requested)
      throws IOException {
    StateDirectory.ModeRecord recorded = state.readMode();
    SnapshotterMode mode;
    if (recorded != null) {
      mode = recorded.mode();
      if (requested.isPresent() && requested.get() != mode) {
        throw new SnapshotException(
            "the snapshot state in "
                + state.root()
                + " was made by the "
                + mode
                + " snapshotter and cannot be used as "
                + requested.get()
                + "; use another state directory or delete this one");
      }
    } else {
      mode =
          requested.orElseGet(
              () -> overlayWorks(state) ? SnapshotterMode.OVERLAY : SnapshotterMode.COPY);
      state.writeMode(mode);
    }
    if (mode == SnapshotterMode.OVERLAY && !overlayWorks(state)) {
      throw new SnapshotException(
          "overlayfs cannot be mounted in "
              + state.root()
              + " (needs root or CAP_SYS_ADMIN, the overlay module, and a file system that"
              + " supports trusted.* xattrs as upper layer); use the copy snapshotter instead");
    }
    return mode == SnapshotterMode.OVERLAY
        ? new OverlaySnapshotter(state)
        : new CopySnapshotter(state);
  }

  /**
   * Java decodes file names with the locale's charset; under the C/POSIX locale it turns every
   * non-ASCII name into '?', which would silently corrupt layers. Refuse to start instead.
   */
  static void requireUtf8FileNames() throws SnapshotException {
    String encoding = System.getProperty("sun.jnu.encoding", "");
    if (!encoding.equalsIgnoreCase("UTF-8")) {
      throw new SnapshotException(
          "the JVM decodes file names as "
              + encoding
              + ", so non-ASCII names in layers would be corrupted; start it with a UTF-8 locale"
              + " (e.g. LANG=C.UTF-8)");
    }
  }

  /**
   * Mounts a tiny overlay in the state directory with the options real snapshots use and checks
   * that deleting a lower file leaves a whiteout in the upper directory.
   */
  static boolean overlayWorks(StateDirectory state) {
    Path probe = null;
    try {
      probe = Files.createTempDirectory(state.temp(), "overlay-probe");
      for (String dir : new String[] {"lower", "upper", "work", "merged"}) {
        Files.createDirectory(probe.resolve(dir));
      }
      Files.writeString(probe.resolve("lower/file"), "probe");
      Path merged = probe.resolve("merged");
      Mounts.mountOverlay(
          probe,
          OverlaySnapshotter.FIXED_OPTIONS + ",lowerdir=lower,upperdir=upper,workdir=work",
          merged);
      try {
        Files.delete(merged.resolve("file"));
        Path whiteout = probe.resolve("upper/file");
        Map<String, Object> attributes =
            Files.readAttributes(whiteout, "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
        return FileKind.ofMode((Integer) attributes.get("mode")) == FileKind.CHAR_DEVICE
            && (Long) attributes.get("rdev") == 0;
      } finally {
        Mounts.unmount(merged);
      }
    } catch (IOException | RuntimeException e) {
      return false;
    } finally {
      if (probe != null) {
        try {
          StateDirectory.deleteTree(probe);
        } catch (IOException e) {
          // Left in tmp/, which the next recovery empties.
        }
      }
    }
  }
}
