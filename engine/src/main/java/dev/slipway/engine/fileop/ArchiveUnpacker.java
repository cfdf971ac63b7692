package dev.slipway.engine.fileop;

import dev.slipway.engine.fs.FileTrees;
import dev.slipway.confined.RootedPaths;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
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
 * cannot write outside the extraction directory: names and links resolve with it as root.
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

  /** Extracts {@code archive} into the existing directory {@code into}. */
  public static void unpack(Path archive, Path into, Owner owner) throws IOException {
    record DirTimes(Path dir, FileTime mtime, FileTime atime) {}
    Deque<DirTimes> dirs = new ArrayDeque<>();
    try (InputStream in = decompressed(archive);
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        String name = RootedPaths.clean("/" + e.getName());
        if (name.equals("/")) {
          continue;
        }
        Path target = RootedPaths.resolve(into, name, e.isDirectory());
        HostDirs.mkdirs(into, target.getParent(), 0755, null, name);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)
            && !(e.isDirectory() && Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS))) {
          FileTrees.deleteRecursively(target);
        }
        int uid = owner != null ? owner.uid() : (int) e.getLongUserId();
        int gid = owner != null ? owner.gid() : (int) e.getLongGroupId();
        int mode = e.getMode() & 07777;
        FileTime mtime = e.getLastModifiedTime();
        FileTime atime = e.getLastAccessTime() != null ? e.getLastAccessTime() : mtime;
        if (e.isDirectory()) {
          if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(target);
          }
          PosixAttrs.lchown(target, uid, gid);
          PosixAttrs.chmod(target, mode);
          // A directory's mtime changes while its entries are written: set it at the end.
          dirs.push(new DirTimes(target, mtime, atime));
          continue;
        }
        if (e.isSymbolicLink()) {
          Files.createSymbolicLink(target, Path.of(e.getLinkName()));
          PosixAttrs.lchown(target, uid, gid);
          PosixAttrs.lutimes(target, mtime, atime);
          continue;
        }
        if (e.isLink()) {
          String linkName = RootedPaths.clean("/" + e.getLinkName());
          Path existing = RootedPaths.resolveParent(into, linkName);
          if (linkName.equals("/") || !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileOpException(
                "archive entry " + name + " is a hard link to " + linkName + ", which it lacks");
          }
          Files.createLink(target, existing);
        } else if (e.isFile()) {
          Files.copy(tar, target);
        } else if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
          mknod(target, e);
        } else {
          throw new FileOpException(
              "archive entry "
                  + name
                  + " has an unsupported type '"
                  + (char) e.getLinkFlag()
                  + "'");
        }
        PosixAttrs.lchown(target, uid, gid);
        if (!Files.isSymbolicLink(target)) {
          PosixAttrs.chmod(target, mode);
        }
        PosixAttrs.lutimes(target, mtime, atime);
      }
    }
    for (DirTimes d : dirs) {
      PosixAttrs.lutimes(d.dir(), d.mtime(), d.atime());
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
