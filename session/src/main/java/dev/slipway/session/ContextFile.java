package dev.slipway.session;

/**
 * One entry of a build context as the client reports it.
 *
 * @param path slash-separated, relative to the context root
 * @param mode Unix mode with type bits (S_IFREG | 0644, ...)
 * @param linkTarget the target of a symlink; for a regular file, the path of an earlier entry it is
 *     a hard link to; else empty
 * @param ctimeNanos the inode's change time on the client (0 if unknown): with {@code inode}, what
 *     tells a rewritten file whose size and mtime were set back from an unchanged one
 * @param inode the inode number on the client (0 if unknown)
 */
public record ContextFile(
    String path,
    int mode,
    long size,
    long mtimeNanos,
    int uid,
    int gid,
    String linkTarget,
    long ctimeNanos,
    long inode) {

  /** An entry whose change time and inode are not known. */
  public ContextFile(
      String path, int mode, long size, long mtimeNanos, int uid, int gid, String linkTarget) {
    this(path, mode, size, mtimeNanos, uid, gid, linkTarget, 0, 0);
  }

  /** This entry as a second name of the regular file {@code first}. */
  public ContextFile asHardLinkTo(String first) {
    return new ContextFile(path, mode, size, mtimeNanos, uid, gid, first, ctimeNanos, inode);
  }

  public static final int S_IFMT = 0170000;
  public static final int S_IFDIR = 0040000;
  public static final int S_IFREG = 0100000;
  public static final int S_IFLNK = 0120000;

  public boolean isDirectory() {
    return (mode & S_IFMT) == S_IFDIR;
  }

  public boolean isRegularFile() {
    return (mode & S_IFMT) == S_IFREG;
  }

  /** A second name of a regular file listed before it (at {@link #linkTarget()}). */
  public boolean isHardLink() {
    return isRegularFile() && !linkTarget.isEmpty();
  }

  public boolean isSymlink() {
    return (mode & S_IFMT) == S_IFLNK;
  }
}
