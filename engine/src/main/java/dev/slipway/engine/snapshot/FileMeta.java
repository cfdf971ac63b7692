package dev.slipway.engine.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;

/**
 * The metadata of one file system entry that a layer preserves, read without following symlinks.
 *
 * @param permissions permission bits including setuid, setgid and sticky ({@code 07777})
 * @param rdev device number for character and block devices, 0 otherwise
 * @param device, inode identify the inode, so hardlinks can be recognised
 * @param linkTarget the symlink's target, empty for other kinds
 */
public record FileMeta(
    FileKind kind,
    int permissions,
    int uid,
    int gid,
    long size,
    Instant mtime,
    long rdev,
    long device,
    long inode,
    int linkCount,
    String linkTarget) {

  private static final String ATTRIBUTES =
      "unix:mode,uid,gid,size,lastModifiedTime,rdev,dev,ino,nlink";

  /** Reads the metadata of {@code path} itself (a symlink is described, not followed). */
  public static FileMeta read(Path path) throws IOException {
    Map<String, Object> a = Files.readAttributes(path, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) a.get("mode");
    FileKind kind = FileKind.ofMode(mode);
    return new FileMeta(
        kind,
        mode & 07777,
        (Integer) a.get("uid"),
        (Integer) a.get("gid"),
        kind == FileKind.REGULAR || kind == FileKind.SYMLINK ? (Long) a.get("size") : 0L,
        ((FileTime) a.get("lastModifiedTime")).toInstant(),
        (Long) a.get("rdev"),
        (Long) a.get("dev"),
        (Long) a.get("ino"),
        (Integer) a.get("nlink"),
        kind == FileKind.SYMLINK ? Files.readSymbolicLink(path).toString() : "");
  }

  /** Linux's encoding of the major number in a {@code dev_t}. */
  public int deviceMajor() {
    return (int) (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL));
  }

  /** Linux's encoding of the minor number in a {@code dev_t}. */
  public int deviceMinor() {
    return (int) ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL));
  }

  /**
   * Whether two entries look the same for a layer diff: everything a layer records except the
   * content of regular files, which the caller compares separately.
   */
  boolean sameMetadata(FileMeta other) {
    return kind == other.kind
        && permissions == other.permissions
        && uid == other.uid
        && gid == other.gid
        && (kind == FileKind.DIRECTORY || size == other.size)
        && mtime.equals(other.mtime)
        && rdev == other.rdev
        && linkTarget.equals(other.linkTarget);
  }
}
