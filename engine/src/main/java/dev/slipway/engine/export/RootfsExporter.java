package dev.slipway.engine.export;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The {@code local} and {@code tar} outputs: a build's final root filesystem as a directory or as
 * one flat tar (no layers, no image metadata), with modes, owners, times, symlinks and hard links
 * kept.
 */
public final class RootfsExporter {
  private RootfsExporter() {}

  /** Copies {@code rootfs} into {@code dest}, creating it; existing files are replaced. */
  public static void toDirectory(Path rootfs, Path dest) throws IOException {
    Files.createDirectories(dest);
    List<Path> dirs = new ArrayList<>();
    Files.walkFileTree(
        rootfs,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a)
              throws IOException {
            Path target = dest.resolve(rootfs.relativize(dir).toString());
            Files.createDirectories(target);
            dirs.add(dir);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
            Path target = dest.resolve(rootfs.relativize(file).toString());
            if (a.isSymbolicLink()) {
              Files.deleteIfExists(target);
              Files.createSymbolicLink(target, Files.readSymbolicLink(file));
            } else if (a.isRegularFile()) {
              Files.copy(
                  file,
                  target,
                  StandardCopyOption.REPLACE_EXISTING,
                  StandardCopyOption.COPY_ATTRIBUTES,
                  LinkOption.NOFOLLOW_LINKS);
              copyOwner(file, target);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    for (Path dir : dirs.reversed()) {
      Path target = dest.resolve(rootfs.relativize(dir).toString());
      Files.setAttribute(
          target, "unix:mode", Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS));
      copyOwner(dir, target);
      Files.setLastModifiedTime(target, Files.getLastModifiedTime(dir, LinkOption.NOFOLLOW_LINKS));
    }
  }

  private static void copyOwner(Path from, Path to) throws IOException {
    try {
      Files.setAttribute(
          to,
          "unix:uid",
          Files.getAttribute(from, "unix:uid", LinkOption.NOFOLLOW_LINKS),
          LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(
          to,
          "unix:gid",
          Files.getAttribute(from, "unix:gid", LinkOption.NOFOLLOW_LINKS),
          LinkOption.NOFOLLOW_LINKS);
    } catch (java.nio.file.FileSystemException e) {
      // not root: the files keep the exporting user's ownership, as buildx's local output does
    }
  }

  /** Writes {@code rootfs} as one deterministic tar (sorted paths, PAX headers). */
  public static void toTar(Path rootfs, OutputStream out, Optional<FileTime> clampTimes)
      throws IOException {
    toTar(Map.of("", rootfs), out, clampTimes);
  }

  /**
   * Writes several root filesystems into one tar, each under its own top directory (the key; ""
   * puts it at the top), in the map's order: a multi-platform build's {@code linux_amd64/}, {@code
   * linux_arm64/}.
   */
  public static void toTar(
      Map<String, Path> rootsByDirectory, OutputStream out, Optional<FileTime> clampTimes)
      throws IOException {
    TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    for (Map.Entry<String, Path> root : rootsByDirectory.entrySet()) {
      String prefix = root.getKey().isEmpty() ? "" : root.getKey() + "/";
      if (!prefix.isEmpty()) {
        // as BuildKit: the platform's directory itself, root's, 0755, at the epoch
        TarArchiveEntry e = new TarArchiveEntry(prefix);
        e.setMode(0040755);
        e.setIds(0, 0);
        e.setLastModifiedTime(FileTime.fromMillis(0));
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
      }
      writeTree(root.getValue(), prefix, tar, clampTimes);
    }
    tar.finish();
    out.flush();
  }

  private static void writeTree(
      Path rootfs, String prefix, TarArchiveOutputStream tar, Optional<FileTime> clampTimes)
      throws IOException {
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(rootfs)) {
      paths = walk.filter(p -> !p.equals(rootfs)).sorted().toList();
    }
    Map<Object, String> firstByInode = new HashMap<>();
    for (Path p : paths) {
      String name = prefix + rootfs.relativize(p).toString();
      Map<String, Object> a =
          Files.readAttributes(
              p,
              "unix:mode,uid,gid,ino,dev,nlink,size,lastModifiedTime",
              LinkOption.NOFOLLOW_LINKS);
      int mode = (Integer) a.get("mode");
      TarArchiveEntry e;
      boolean dir = (mode & 0170000) == 0040000;
      boolean link = (mode & 0170000) == 0120000;
      boolean regular = (mode & 0170000) == 0100000;
      String hardlinkTo = null;
      if (regular && (Integer) a.get("nlink") > 1) {
        Object inode = List.of(a.get("dev"), a.get("ino"));
        hardlinkTo = firstByInode.putIfAbsent(inode, name);
      }
      if (link) {
        e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
        e.setLinkName(Files.readSymbolicLink(p).toString());
      } else if (hardlinkTo != null) {
        e = new TarArchiveEntry(name, TarArchiveEntry.LF_LINK);
        e.setLinkName(hardlinkTo);
      } else if (dir) {
        e = new TarArchiveEntry(name + "/");
      } else if (regular) {
        e = new TarArchiveEntry(name);
        e.setSize((Long) a.get("size"));
      } else {
        continue; // devices, fifos and sockets have no place in an exported filesystem
      }
      e.setMode(mode);
      e.setIds((Integer) a.get("uid"), (Integer) a.get("gid"));
      FileTime mtime = (FileTime) a.get("lastModifiedTime");
      if (clampTimes.isPresent() && mtime.compareTo(clampTimes.get()) > 0) {
        mtime = clampTimes.get();
      }
      e.setLastModifiedTime(mtime);
      tar.putArchiveEntry(e);
      if (regular && hardlinkTo == null) {
        Files.copy(p, tar);
      }
      tar.closeArchiveEntry();
    }
  }
}
