package dev.slipway.engine.exec;

import dev.slipway.confined.RootedPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates the mount points a run needs but the rootfs lacks, and remembers them: they are artifacts
 * of running, not of the step, so (like BuildKit) they must be removed before the layer diff is
 * taken. Paths are recorded as the rootfs sees them ({@code /run/secrets/id}), parents before
 * children.
 */
public final class MountStubs {

  private final Path rootfs;
  private final List<String> created = new ArrayList<>();

  MountStubs(Path rootfs) {
    this.rootfs = rootfs;
  }

  /**
   * Makes sure the mount point exists, as a directory or an empty file, and records what it made.
   */
  void ensure(String containerPath, boolean directory) {
    try {
      Path target = RootedPaths.resolve(rootfs, containerPath);
      if (java.nio.file.Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        return;
      }
      List<Path> missing = new ArrayList<>();
      for (Path p = target.getParent();
          p != null
              && p.startsWith(rootfs)
              && !java.nio.file.Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS);
          p = p.getParent()) {
        missing.add(0, p);
      }
      for (Path dir : missing) {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
        record(dir);
      }
      if (directory) {
        Files.createDirectory(target, PosixFilePermissions.asFileAttribute(DIR_MODE));
      } else {
        Files.createFile(target, PosixFilePermissions.asFileAttribute(FILE_MODE));
      }
      record(target);
    } catch (IOException e) {
      throw new ExecException(
          "cannot create mount point " + containerPath + " in the root filesystem: " + e, e);
    }
  }

  /** The stubs created so far, parents first. */
  public List<String> created() {
    return List.copyOf(created);
  }

  /**
   * Removes stubs from a rootfs, children first. A stub the step filled (a directory that gained
   * entries, a file that gained bytes) is the step's output and stays.
   */
  public static void remove(Path rootfs, List<String> stubs) {
    for (int i = stubs.size() - 1; i >= 0; i--) {
      Path p = rootfs.resolve(stubs.get(i).substring(1));
      try {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          try (DirectoryStream<Path> entries = Files.newDirectoryStream(p)) {
            if (entries.iterator().hasNext()) {
              continue;
            }
          }
          Files.delete(p);
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.size(p) == 0) {
          Files.delete(p);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot remove mount stub " + stubs.get(i), e);
      }
    }
  }

  private void record(Path hostPath) {
    created.add("/" + rootfs.relativize(hostPath));
  }

  private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> DIR_MODE =
      PosixFilePermissions.fromString("rwxr-xr-x");
  private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> FILE_MODE =
      PosixFilePermissions.fromString("rw-r--r--");
}
