package dev.slipway.engine.cache;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The bytes a directory tree holds: file contents (a hard-linked file once) and symlink targets.
 * Symlinks are never followed; files that vanish during the walk (a build still writing a cache
 * mount) are skipped.
 */
final class DirectorySize {
  private DirectorySize() {}

  static long of(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return 0;
    }
    long[] total = {0};
    Set<Object> seenInodes = new HashSet<>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (attrs.isRegularFile()) {
              Map<String, Object> unix =
                  Files.readAttributes(file, "unix:nlink,ino,dev", LinkOption.NOFOLLOW_LINKS);
              if ((Integer) unix.get("nlink") > 1
                  && !seenInodes.add(unix.get("dev") + ":" + unix.get("ino"))) {
                return FileVisitResult.CONTINUE;
              }
            }
            if (attrs.isRegularFile() || attrs.isSymbolicLink()) {
              total[0] += attrs.size();
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }
        });
    return total[0];
  }
}
