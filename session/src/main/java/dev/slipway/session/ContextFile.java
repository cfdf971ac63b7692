package dev.slipway.session;

/**
 * One entry of a build context as the client reports it.
 *
 * @param path slash-separated, relative to the context root
 * @param mode Unix mode with type bits (S_IFREG | 0644, ...)
 * @param linkTarget the target of a symlink; for a regular file, the path of an earlier entry it is
 *     a hard link to; else empty
 */
public record ContextFile(
    String path, int mode, long size, long mtimeNanos, int uid, int gid, String linkTarget) {

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
