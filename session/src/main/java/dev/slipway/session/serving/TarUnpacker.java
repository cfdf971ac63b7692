package dev.slipway.session.serving;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks a directory output that a builder sent as a tar: directories, files, symlinks and hard
 * links with their modes and times. Entries that would land outside the destination are refused.
 */
final class TarUnpacker {
  private TarUnpacker() {}

  static void unpack(Path tar, Path dest) throws IOException {
    Path root = dest.toAbsolutePath().normalize();
    Files.createDirectories(root);
    try (InputStream file = Files.newInputStream(tar);
        TarArchiveInputStream in = new TarArchiveInputStream(file)) {
      for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        Path target = inside(root, e.getName());
        if (target.equals(root)) {
          continue;
        }
        Files.createDirectories(target.getParent());
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.deleteIfExists(target);
          if (e.isSymbolicLink()) {
            Files.createSymbolicLink(target, Path.of(e.getLinkName()));
            continue;
          } else if (e.isLink()) {
            Files.createLink(target, inside(root, e.getLinkName()));
            continue;
          } else if (e.isFile()) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
          } else {
            continue; // devices and fifos need root here and are not what a user exports
          }
        }
        Files.setAttribute(target, "unix:mode", e.getMode() & 07777, LinkOption.NOFOLLOW_LINKS);
        Files.setLastModifiedTime(target, FileTime.from(e.getModTime().toInstant()));
      }
    }
  }

  private static Path inside(Path root, String name) throws IOException {
    Path p = root.resolve(name).normalize();
    if (!p.startsWith(root)) {
      throw new IOException("the builder sent \"" + name + "\", which leaves the output directory");
    }
    return p;
  }
}
