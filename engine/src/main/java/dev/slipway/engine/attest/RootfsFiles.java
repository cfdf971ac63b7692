package dev.slipway.engine.attest;

import dev.slipway.confined.ConfinedRoot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads an image's root filesystem for the SBOM. The tree is the build's output, so it is hostile:
 * names resolve through {@link ConfinedRoot} (a symlink such as distroless' never leads out), only
 * regular files are read, each up to a size cap, and a search visits a bounded number of entries
 * without following links.
 */
final class RootfsFiles {
  // A full desktop's dpkg status is ~5 MiB; the cap keeps a hostile file from filling a small
  // builder's heap (the text is held twice while parsed).
  static final long MAX_FILE_BYTES = 16L << 20;
  static final int MAX_VISITED = 200_000;
  static final int MAX_FOUND = 2_000;
  private static final int MAX_DEPTH = 24;
  // Kernel and runtime mounts a build may have left as empty directories: nothing to scan there.
  private static final Set<String> SKIPPED = Set.of("proc", "sys", "dev");

  private final ConfinedRoot root;
  private final Path dir;

  RootfsFiles(Path rootfs) {
    this.dir = rootfs.toAbsolutePath().normalize();
    this.root = ConfinedRoot.followingLinksInside(dir, "the image's file system");
  }

  /** The text of the regular file {@code name}; empty when it is missing. */
  Optional<String> read(String name) throws IOException {
    try {
      if (!Files.exists(root.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
        return Optional.empty();
      }
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    try (InputStream in = root.openFile(name)) {
      byte[] bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
      if (bytes.length > MAX_FILE_BYTES) {
        throw new IOException(
            "/" + name + " is larger than " + (MAX_FILE_BYTES >> 20) + " MiB; not read");
      }
      return Optional.of(new String(bytes, StandardCharsets.UTF_8));
    }
  }

  /** The names of the regular files directly in directory {@code name}, sorted; none if missing. */
  List<String> list(String name) throws IOException {
    Path d;
    try {
      d = root.resolve(name);
    } catch (NoSuchFileException e) {
      return List.of();
    }
    if (!Files.isDirectory(d)) {
      return List.of();
    }
    try (var entries = Files.list(d)) {
      return entries
          .limit(MAX_FOUND)
          .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
          .map(p -> name + "/" + p.getFileName())
          .sorted()
          .toList();
    }
  }

  /**
   * The regular files named one of {@code fileNames} anywhere in the tree (relative names, in walk
   * order), never through a symlink, visiting at most {@link #MAX_VISITED} entries.
   */
  List<String> find(Set<String> fileNames) throws IOException {
    List<String> found = new ArrayList<>();
    int[] visited = {0};
    Files.walkFileTree(
        dir,
        EnumSet.noneOf(FileVisitOption.class),
        MAX_DEPTH,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
            if (d.getParent() != null
                && d.getParent().equals(dir)
                && SKIPPED.contains(d.getFileName().toString())) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            return ++visited[0] > MAX_VISITED
                ? FileVisitResult.TERMINATE
                : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
            if (attrs.isRegularFile() && fileNames.contains(f.getFileName().toString())) {
              found.add(dir.relativize(f).toString());
            }
            return ++visited[0] > MAX_VISITED || found.size() >= MAX_FOUND
                ? FileVisitResult.TERMINATE
                : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path f, IOException e) {
            return FileVisitResult.CONTINUE; // unreadable: not a reason to fail the build
          }
        });
    return found;
  }
}
