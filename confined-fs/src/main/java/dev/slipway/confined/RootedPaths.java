package dev.slipway.confined;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Maps paths of a build filesystem to host paths under its root directory. Symlinks met on the way
 * are followed with the root as {@code /} (like Go's {@code filepath-securejoin} and containerd's
 * {@code fs.RootPath}), so neither {@code ..} nor a link such as {@code /etc -> /../../host} can
 * lead outside the root. Components that do not exist are kept as written. Shared by RUN (mount
 * targets, working directories) and file operations (COPY sources and destinations).
 */
public final class RootedPaths {

  private static final int MAX_SYMLINKS = 255;

  private RootedPaths() {}

  /** The host path of {@code path}, following every symlink including the last component. */
  public static Path resolve(Path root, String path) throws IOException {
    return resolve(root, path, true);
  }

  /**
   * The host path of {@code path} with its directory part resolved and its last component kept as
   * is: a symlink there is the entry itself, not its target (lstat semantics).
   */
  public static Path resolveParent(Path root, String path) throws IOException {
    return resolve(root, path, false);
  }

  public static Path resolve(Path root, String path, boolean followLast) throws IOException {
    Deque<String> pending = new ArrayDeque<>();
    push(pending, path);
    Deque<String> resolved = new ArrayDeque<>();
    int links = 0;
    while (!pending.isEmpty()) {
      String part = pending.pop();
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        resolved.pollLast();
        continue;
      }
      boolean last = pending.stream().allMatch(p -> p.isEmpty() || p.equals("."));
      Path candidate = join(root, resolved).resolve(part);
      if ((followLast || !last) && Files.isSymbolicLink(candidate)) {
        if (++links > MAX_SYMLINKS) {
          throw new IOException("too many levels of symbolic links resolving " + path);
        }
        String target = Files.readSymbolicLink(candidate).toString();
        if (target.startsWith("/")) {
          resolved.clear();
        }
        push(pending, target);
        continue;
      }
      resolved.addLast(part);
    }
    return join(root, resolved);
  }

  /**
   * Checks that a path inside a build filesystem is absolute; {@code what} names it in the error.
   */
  public static String requireAbsolute(String path, String what) {
    if (path == null || !path.startsWith("/")) {
      throw new IllegalArgumentException(what + " must be an absolute path, got '" + path + "'");
    }
    return path;
  }

  /** {@code path} cleaned as an absolute path ({@code /a/../b/} becomes {@code /b}). */
  public static String clean(String path) {
    Deque<String> parts = new ArrayDeque<>();
    for (String part : path.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        parts.pollLast();
      } else {
        parts.addLast(part);
      }
    }
    return "/" + String.join("/", parts);
  }

  /** The last component of a cleaned absolute path ({@code /} for the root). */
  public static String baseName(String cleanPath) {
    int slash = cleanPath.lastIndexOf('/');
    String base = cleanPath.substring(slash + 1);
    return base.isEmpty() ? "/" : base;
  }

  private static void push(Deque<String> pending, String path) {
    String[] parts = path.split("/");
    for (int i = parts.length - 1; i >= 0; i--) {
      pending.push(parts[i]);
    }
  }

  private static Path join(Path root, Deque<String> parts) {
    Path p = root;
    for (String part : parts) {
      p = p.resolve(part);
    }
    return p;
  }
}
