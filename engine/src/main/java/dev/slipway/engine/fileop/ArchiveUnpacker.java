package dev.slipway.engine.fileop;

import dev.slipway.confined.ConfinedRoot;
import dev.slipway.confined.PathEscapeException;
import dev.slipway.confined.RootedPaths;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
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
import org.apache.commons.compress.MemoryLimitException;
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

  /**
   * The most memory an xz stream may ask for, in KiB: {@code xz -9}'s 64 MiB dictionary plus the
   * decoder's own state. The header alone declares the dictionary, so a few hundred hostile bytes
   * could otherwise allocate gigabytes.
   */
  static final int XZ_MEMORY_LIMIT_KIB = 65 * 1024;

  /**
   * The most bytes one entry's headers may take (tar header, GNU long name or link, PAX records):
   * the tar reader holds them in memory, so a small gzip must not expand into a gigabyte "name".
   */
  static final long MAX_HEADER_BYTES = 1L << 20;

  private ArchiveUnpacker() {}

  /** True when {@code file} is a regular file holding a (possibly compressed) tar archive. */
  public static boolean isArchive(Path file) {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try (HeaderLimit in = new HeaderLimit(decompressed(file), file);
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      return in.headers(tar::getNextEntry) != null;
    } catch (MemoryLimitException | HeaderTooLarge e) {
      return true; // compressed or a tar, but beyond the limits: unpack() reports it
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
    try (HeaderLimit in = new HeaderLimit(decompressed(archive), archive);
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry e = null;
      while ((e = nextEntry(tar, e, in, expansion, archive)) != null) {
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
    } catch (MemoryLimitException e) {
      throw new FileOpException(
          "archive "
              + archive.getFileName()
              + " is xz-compressed with a dictionary needing "
              + e.getMemoryNeededInKb()
              + " KiB of memory, more than the "
              + e.getMemoryLimitInKb()
              + " KiB allowed; recompress it with xz -9 or less, or unpack it in a RUN step",
          e);
    } catch (HeaderTooLarge e) {
      throw new FileOpException(e.getMessage(), e);
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

  /**
   * The next entry; a corrupt archive is the build's error, never a crash of the unpacker. What is
   * left of the {@code current} entry's contents is read first (counted as expansion, discarded),
   * so that only the next entry's headers count against {@link #MAX_HEADER_BYTES}.
   */
  private static TarArchiveEntry nextEntry(
      TarArchiveInputStream tar,
      TarArchiveEntry current,
      HeaderLimit limit,
      Expansion expansion,
      Path archive)
      throws IOException {
    if (current != null) {
      expansion.copy(tar, OutputStream.nullOutputStream());
    }
    try {
      return limit.headers(tar::getNextEntry);
    } catch (IllegalArgumentException e) {
      throw new FileOpException(
          "archive " + archive.getFileName() + " is corrupt: " + e.getMessage(), e);
    }
  }

  /** Reading headers went beyond {@link #MAX_HEADER_BYTES}. */
  private static final class HeaderTooLarge extends IOException {
    HeaderTooLarge(String message) {
      super(message);
    }
  }

  /** The decompressed stream, which refuses to give one entry's headers more than a limit. */
  private static final class HeaderLimit extends FilterInputStream {
    private final Path archive;
    private long left = Long.MAX_VALUE;

    HeaderLimit(InputStream in, Path archive) {
      super(in);
      this.archive = archive;
    }

    interface Read<T> {
      T get() throws IOException;
    }

    /** Runs {@code read} (one getNextEntry) with at most {@link #MAX_HEADER_BYTES} to read. */
    <T> T headers(Read<T> read) throws IOException {
      left = MAX_HEADER_BYTES;
      try {
        return read.get();
      } finally {
        left = Long.MAX_VALUE;
      }
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        consumed(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        consumed(n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      consumed(skipped);
      return skipped;
    }

    private void consumed(long n) throws HeaderTooLarge {
      left -= n;
      if (left < 0) {
        throw new HeaderTooLarge(
            "archive "
                + archive.getFileName()
                + " has an entry whose headers (name, link name or PAX records) exceed "
                + MAX_HEADER_BYTES
                + " bytes; no real archive needs names that long, so it was refused");
      }
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
        return new XZCompressorInputStream(raw, true, XZ_MEMORY_LIMIT_KIB);
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
