package dev.slipway.engine.solver;

import dev.slipway.confined.RootedPaths;
import dev.slipway.engine.fs.FileTrees;
import dev.slipway.engine.fs.HostCommands;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.UUID;

/**
 * {@code RUN --mount=type=cache,from=STAGE,source=DIR}: a new cache directory starts as a copy of
 * {@code DIR} of that stage (BuildKit's cache mount on a base ref). The source is resolved inside
 * the stage's root, and the copy keeps links as links, so nothing outside the root is read.
 */
final class CacheSeed {

  private CacheSeed() {}

  /**
   * The cache id a seeded mount uses: BuildKit keys a cache with a base by the base too, so a
   * different seed never finds the directory another seed filled.
   */
  static String id(String id, String seedSnapshot, String sourcePath) {
    return id + "\0from:" + seedSnapshot + ":" + sourcePath;
  }

  /**
   * Fills {@code cacheDir} from {@code sourcePath} of {@code sourceRoot} if it does not exist yet.
   */
  static void seedIfNew(Path cacheDir, Path sourceRoot, String sourcePath) throws IOException {
    if (Files.exists(cacheDir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Path source = RootedPaths.resolve(sourceRoot, sourcePath);
    if (!Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
      return; // BuildKit mounts an empty cache when the source is missing
    }
    Files.createDirectories(cacheDir.getParent());
    // Copied beside and renamed: a step sharing the cache sees it whole or not at all.
    Path partial = cacheDir.resolveSibling(cacheDir.getFileName() + "-seed-" + UUID.randomUUID());
    Path cp = HostCommands.require("cp", "coreutils");
    try {
      HostCommands.run(
          null,
          List.of(
              cp.toString(), "-a", "--no-target-directory", source.toString(), partial.toString()),
          null);
      Files.move(partial, cacheDir, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
      // another step seeded it first; its copy is as good
    } finally {
      if (Files.exists(partial, LinkOption.NOFOLLOW_LINKS)) {
        FileTrees.deleteRecursively(partial);
      }
    }
  }
}
