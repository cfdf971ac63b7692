package dev.slipway.engine.fileop;

import dev.slipway.confined.ConfinedRoot;
import dev.slipway.confined.PathEscapeException;
import dev.slipway.confined.RootedPaths;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/**
 * ADD's automatic extraction of local tar archives: plain, gzip, bzip2, xz or zstd, recognized by
 * content (magic bytes and a readable tar header), never by file name, as in BuildKit. Entries keep
 * the archive's owners, modes and mtimes unless {@code --chown} overrides the owner. The archive
 * cannot write outside the extraction directory ({@link ConfinedRoot}), nor beyond its {@link
 * ArchiveLimits}.
 */
public final class ArchiveUnpacker {

  private static final byte[] GZIP = {0x1f, (byte) 0x8b};
  private static final byte[] BZIP2 = {'B', 'Z', 'h'};
  private static final byte[] XZ = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0};
  private static final byte[] ZSTD = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};

  private ArchiveUnpacker() {}

  /** True when {@code file} is a regular file holding a (possibly compressed) tar archive. */
  public static boolean isArchive(Path file) {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try (InputStream in = decompressed(file);
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      return tar.getNextEntry() != null;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Extracts {@code archive} into the existing directory {@code into}, within the default limits.
   */
  public static void unpack(Path archive, Path into, Owner owner) throws IOException {
    unpack(archive, into, owner, ArchiveLimits.DEFAULT);
  }

  /**
   * Extracts {@code archive} into the existing directory {@code into}. Every entry goes through a
   * {@link ConfinedRoot} at {@code into}: names and links resolve with it as root, a hard link
   * reaches only a regular file already extracted, nothing is written through a link. An archive
   * that would write more than {@code limits} allows is refused with what was extracted so far left
   * in place.
   */
  public static void unpack(Path archive, Path into, Owner owner, ArchiveLimits limits)
      throws IOException {
    record DirTimes(Path dir, FileTime mtime, FileTime atime) {}
    ConfinedRoot root =
        ConfinedRoot.followingLinksInside(into, "the extracted archive " + archive.getFileName());
    Deque<DirTimes> dirs = new ArrayDeque<>();
    Expansion expansion = new Expansion(archive, limits);
    try (InputStream in = decompressed(archive);
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry e;
      while ((e = nextEntry(tar, archive)) != null) {
        expansion.entry();
        String name = RootedPaths.clean("/" + e.getName());
        if (name.equals("/")) {
          continue;
        }
        int uid = owner != null ? owner.uid() : (int) e.getLongUserId();
        int gid = owner != null ? owner.gid() : (int) e.getLongGroupId();
        int mode = e.getMode() & 07777;
        FileTime mtime = e.getLastModifiedTime();
        FileTime atime = e.getLastAccessTime() != null ? e.getLastAccessTime() : mtime;
        Path target;
        if (e.isDirectory()) {
          target = root.createDirectory(name);
          root.setOwner(target, uid, gid);
          root.setMode(target, mode);
          // A directory's mtime changes while its entries are written: set it at the end.
          dirs.push(new DirTimes(target, mtime, atime));
          continue;
        }
        if (e.isSymbolicLink()) {
          target = root.createSymlink(name, e.getLinkName());
          root.setOwner(target, uid, gid);
          root.setTimes(target, mtime, atime);
          continue;
        }
        if (e.isLink()) {
          String linkName = RootedPaths.clean("/" + e.getLinkName());
          try {
            target = root.createHardLink(name, linkName);
          } catch (PathEscapeException refused) {
            throw new FileOpException(
                "archive entry "
                    + name
                    + " is a hard link to "
                    + linkName
                    + ", which is not a regular file the archive extracted before it",
                refused);
          }
        } else if (e.isFile()) {
          TarArchiveInputStream contents = tar;
          target = root.writeFile(name, out -> expansion.copy(contents, out));
        } else if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
          target = root.newEntry(name);
          mknod(target, e);
        } else {
          throw new FileOpException(
              "archive entry "
                  + name
                  + " has an unsupported type '"
                  + (char) e.getLinkFlag()
                  + "'");
        }
        root.setOwner(target, uid, gid);
        root.setMode(target, mode);
        root.setTimes(target, mtime, atime);
      }
    }
    for (DirTimes d : dirs) {
      try {
        root.setTimes(d.dir(), d.mtime(), d.atime());
      } catch (PathEscapeException | java.nio.file.NoSuchFileException replaced) {
        // a later entry replaced the directory or one above it: its times went with it
      }
    }
  }

  /** Counts what an archive writes against its limits. */
  private static final class Expansion {
    private final Path archive;
    private final ArchiveLimits limits;
    private long bytes;
    private long entries;

    Expansion(Path archive, ArchiveLimits limits) {
      this.archive = archive;
      this.limits = limits;
    }

    void entry() {
      if (++entries > limits.maxEntries()) {
        throw new FileOpException(
            "archive "
                + archive.getFileName()
                + " holds more than "
                + limits.maxEntries()
                + " entries; raise the builder's archive entry limit or unpack it in a RUN step");
      }
    }

    void copy(InputStream in, OutputStream out) throws IOException {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        bytes += n;
        if (bytes > limits.maxBytes()) {
          throw new FileOpException(
              "archive "
                  + archive.getFileName()
                  + " expands beyond "
                  + limits.maxBytes()
                  + " bytes; raise the builder's archive expansion limit or unpack it in a RUN"
                  + " step");
        }
        out.write(buffer, 0, n);
      }
    }
  }

  /** The next entry; a corrupt archive is the build's error, never a crash of the unpacker. */
  private static TarArchiveEntry nextEntry(TarArchiveInputStream tar, Path archive)
      throws IOException {
    try {
      return tar.getNextEntry();
    } catch (IllegalArgumentException e) {
      throw new FileOpException(
          "archive " + archive.getFileName() + " is corrupt: " + e.getMessage(), e);
    }
  }

  private static void mknod(Path target, TarArchiveEntry e) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("mknod", target.toString()));
    if (e.isFIFO()) {
      cmd.add("p");
    } else {
      cmd.add(e.isCharacterDevice() ? "c" : "b");
      cmd.add(String.valueOf(e.getDevMajor()));
      cmd.add(String.valueOf(e.getDevMinor()));
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    try {
      if (p.waitFor() != 0) {
        throw new FileOpException("cannot create device " + e.getName() + " from archive: " + out);
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new FileOpException("interrupted while extracting " + e.getName(), ie);
    }
  }

  private static InputStream decompressed(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
    try {
      raw.mark(8);
      byte[] head = raw.readNBytes(6);
      raw.reset();
      if (startsWith(head, GZIP)) {
        return new GzipCompressorInputStream(raw, true);
      }
      if (startsWith(head, BZIP2)) {
        return new BZip2CompressorInputStream(raw, true);
      }
      if (startsWith(head, XZ)) {
        return new XZCompressorInputStream(raw, true);
      }
      if (startsWith(head, ZSTD)) {
        return new ZstdCompressorInputStream(raw);
      }
      return raw;
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  private static boolean startsWith(byte[] head, byte[] magic) {
    return head.length >= magic.length && Arrays.equals(Arrays.copyOf(head, magic.length), magic);
  }
}
