package dev.slipway.session.serving;

import dev.slipway.confined.ConfinedPathException;
import dev.slipway.confined.ConfinedRoot;
import dev.slipway.confined.PathEscapeException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks a directory output that a builder sent as a tar: directories, files, symlinks and hard
 * links with their modes and times. Every entry goes through a {@link ConfinedRoot} that refuses
 * {@code ..} and any path through a symlink (a symlink entry followed by a file below it), and
 * links hard only to files this tar wrote inside the destination.
 */
public final class TarUnpacker {
  private TarUnpacker() {}

  static void unpack(Path tar, Path dest) throws IOException {
    Files.createDirectories(dest);
    try (InputStream file = Files.newInputStream(tar)) {
      unpack(file, dest);
    }
  }

  /** Unpacks the tar read from {@code tar} into the existing directory {@code dest}. */
  public static void unpack(InputStream tar, Path dest) throws IOException {
    ConfinedRoot root = ConfinedRoot.refusingLinks(dest, "the output directory " + dest);
    try (TarArchiveInputStream in = new TarArchiveInputStream(tar)) {
      for (TarArchiveEntry e = next(in); e != null; e = next(in)) {
        try {
          unpack(root, in, e);
        } catch (PathEscapeException refused) {
          throw new PathEscapeException(refused.name(), said(refused));
        } catch (ConfinedPathException refused) {
          throw new ConfinedPathException(refused.name(), said(refused));
        }
      }
    }
  }

  private static void unpack(ConfinedRoot root, InputStream in, TarArchiveEntry e)
      throws IOException {
    String name = e.getName();
    if (root.entry(name).equals(root.root())) {
      return;
    }
    Path target;
    if (e.isDirectory()) {
      target = root.createDirectory(name);
    } else if (e.isSymbolicLink()) {
      root.createSymlink(name, e.getLinkName());
      return;
    } else if (e.isLink()) {
      root.createHardLink(name, e.getLinkName());
      return;
    } else if (e.isFile()) {
      target = root.writeFile(name, in::transferTo);
    } else {
      return; // devices and fifos need root here and are not what a user exports
    }
    root.setMode(target, e.getMode() & 07777);
    FileTime mtime = FileTime.from(e.getModTime().toInstant());
    root.setTimes(target, mtime, null);
  }

  private static String said(ConfinedPathException refused) {
    return "the builder sent an output entry that was refused: "
        + refused.getMessage()
        + "; nothing was written there";
  }

  /** The next entry; a corrupt tar is an IOException, never a crash of the client. */
  private static TarArchiveEntry next(TarArchiveInputStream in) throws IOException {
    try {
      return in.getNextEntry();
    } catch (IllegalArgumentException e) {
      throw new IOException("the builder sent a corrupt output tar: " + e.getMessage(), e);
    }
  }
}
