package dev.slipway.engine.fileop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.util.Map;

/** The lstat of an entry, and the lchown/chmod/lutimes calls that copy metadata onto another. */
record PosixAttrs(
    int mode, int uid, int gid, long dev, long ino, int nlink, FileTime mtime, FileTime atime) {

  static final int S_IFMT = 0170000;
  static final int S_IFDIR = 0040000;
  static final int S_IFREG = 0100000;
  static final int S_IFLNK = 0120000;

  static PosixAttrs lstat(Path p) throws IOException {
    Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
    return new PosixAttrs(
        (Integer) a.get("mode"),
        (Integer) a.get("uid"),
        (Integer) a.get("gid"),
        (Long) a.get("dev"),
        (Long) a.get("ino"),
        (Integer) a.get("nlink"),
        (FileTime) a.get("lastModifiedTime"),
        (FileTime) a.get("lastAccessTime"));
  }

  boolean isDirectory() {
    return (mode & S_IFMT) == S_IFDIR;
  }

  boolean isRegular() {
    return (mode & S_IFMT) == S_IFREG;
  }

  boolean isSymlink() {
    return (mode & S_IFMT) == S_IFLNK;
  }

  int permissions() {
    return mode & 07777;
  }

  /** Sets owner without following a final symlink. Must precede chmod: chown clears setuid. */
  static void lchown(Path p, int uid, int gid) throws IOException {
    Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
  }

  /** Sets the 07777 bits of a non-symlink. */
  static void chmod(Path p, int permissions) throws IOException {
    Files.setAttribute(p, "unix:mode", permissions & 07777);
  }

  static void lutimes(Path p, FileTime mtime, FileTime atime) throws IOException {
    Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .setTimes(mtime, atime, null);
  }
}
