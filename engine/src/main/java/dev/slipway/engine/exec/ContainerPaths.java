package dev.slipway.engine.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Resolves paths as the container will see them, inside a root filesystem on the host. Symlinks are
 * followed with the rootfs as {@code /}, so a link such as {@code /etc -> /../../host} can never
 * lead outside it (the same guarantee runc's securejoin gives for mount destinations).
 */
final class ContainerPaths {

  private static final int MAX_SYMLINKS = 255;

  private ContainerPaths() {}

  static String requireAbsolute(String path, String what) {
    if (path == null || !path.startsWith("/")) {
      throw new IllegalArgumentException(what + " must be an absolute path, got '" + path + "'");
    }
    return path;
  }

  /** The host path of {@code containerPath} (absolute, or relative to /) inside {@code root}. */
  static Path resolve(Path root, String containerPath) throws IOException {
    Deque<String> pending = new ArrayDeque<>();
    push(pending, containerPath);
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
      Path candidate = join(root, resolved).resolve(part);
      if (Files.isSymbolicLink(candidate)) {
        if (++links > MAX_SYMLINKS) {
          throw new IOException("too many symbolic links resolving " + containerPath);
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

  /** True when the path exists in the rootfs without following a final symlink out of it. */
  static boolean exists(Path hostPath) {
    return Files.exists(hostPath, LinkOption.NOFOLLOW_LINKS);
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
