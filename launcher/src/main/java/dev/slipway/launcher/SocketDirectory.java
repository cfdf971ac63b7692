package dev.slipway.launcher;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/**
 * The per-user directory that holds the daemons' sockets, logs and lock files. Whoever can write
 * into it could put a socket there that the launcher would hand the user's environment and files
 * to, so it must be a real directory, owned by this user, that nobody else may enter.
 */
public final class SocketDirectory {
  private static final Set<PosixFilePermission> PRIVATE =
      PosixFilePermissions.fromString("rwx------");

  private SocketDirectory() {}

  /** $SLIPWAY_DAEMON_DIR, else $XDG_RUNTIME_DIR/slipway, else /tmp/slipway-UID. */
  public static Path locate(Map<String, String> env) throws IOException {
    String explicit = env.get("SLIPWAY_DAEMON_DIR");
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit).toAbsolutePath();
    }
    String runtime = env.get("XDG_RUNTIME_DIR");
    if (runtime != null && !runtime.isBlank()) {
      return Path.of(runtime, "slipway");
    }
    return Path.of("/tmp", "slipway-" + currentUid());
  }

  /**
   * Creates {@code dir} (mode 0700) or checks the one that is there.
   *
   * @throws UnsafeDirectoryException when it is a link, not a directory, someone else's, or open to
   *     others
   */
  public static Path prepare(Path dir) throws IOException {
    try {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE));
    } catch (FileAlreadyExistsException exists) {
      // checked below like one we made: it may have been there before us
    }
    check(dir);
    return dir;
  }

  static void check(Path dir) throws IOException {
    PosixFileAttributes attrs =
        Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (attrs.isSymbolicLink()) {
      throw unsafe(dir, "is a symbolic link", "remove it: rm " + dir);
    }
    if (!attrs.isDirectory()) {
      throw unsafe(dir, "is not a directory", "remove it: rm " + dir);
    }
    int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    if (owner != currentUid()) {
      throw unsafe(
          dir,
          "belongs to user " + owner + ", not to you (" + currentUid() + ")",
          "use a directory of your own");
    }
    if (!PRIVATE.containsAll(attrs.permissions())) {
      throw unsafe(
          dir,
          "is open to others (" + PosixFilePermissions.toString(attrs.permissions()) + ")",
          "make it private: chmod 700 " + dir);
    }
  }

  private static UnsafeDirectoryException unsafe(Path dir, String what, String fix) {
    return new UnsafeDirectoryException(
        "the slipway daemon directory "
            + dir
            + " "
            + what
            + "; "
            + fix
            + ", or set SLIPWAY_DAEMON_DIR to a directory only you can use (SLIPWAY_DAEMON=off"
            + " runs without a daemon)");
  }

  /** What a unix socket's path may take (sun_path, 108 bytes with its terminating NUL). */
  static final int MAX_SOCKET_PATH = 107;

  /**
   * Fails with a clear message when {@code socket} is too long for a unix socket address.
   *
   * @throws IOException naming the path and how to get a shorter one
   */
  public static void checkSocketPath(Path socket) throws IOException {
    int length = socket.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (length > MAX_SOCKET_PATH) {
      throw new IOException(
          "the slipway daemon's socket "
              + socket
              + " is "
              + length
              + " bytes long, beyond the "
              + MAX_SOCKET_PATH
              + " a unix socket allows; set SLIPWAY_DAEMON_DIR to a shorter directory (or run with"
              + " SLIPWAY_DAEMON=off)");
    }
  }

  /**
   * Whether {@code socket} is a socket of this user (not followed if a link): only that is worth
   * handing the environment to.
   */
  public static boolean ownSocket(Path socket) {
    try {
      PosixFileAttributes attrs =
          Files.readAttributes(socket, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      int owner = (Integer) Files.getAttribute(socket, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      return attrs.isOther() && owner == currentUid();
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** This process's user id; /proc/self belongs to it. */
  public static int currentUid() throws IOException {
    return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
  }

  /** A daemon directory that another user could reach into. */
  public static final class UnsafeDirectoryException extends IOException {
    UnsafeDirectoryException(String message) {
      super(message);
    }
  }
}
