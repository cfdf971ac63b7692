package dev.slipway.engine.solver;

import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.engine.BuildFailedException;
import dev.slipway.engine.fs.FileTrees;
import dev.slipway.engine.fs.RootedPaths;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.snapshot.ActiveSnapshot;
import dev.slipway.engine.snapshot.Snapshotter;
import dev.slipway.engine.source.GitCheckout;
import dev.slipway.engine.source.SourceFetchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code ADD https://…/repo.git#ref:subdir}: checks the ref out and keys the result by the commit
 * it resolved to, so a moved branch is a cache miss and an unchanged one a hit.
 */
final class GitSourceRunner implements OpRunner<SourceOp.Git> {
  private final Snapshotter snapshots;
  private final Path tmp;
  private final Map<String, Path> checkouts = new ConcurrentHashMap<>();

  GitSourceRunner(Snapshotter snapshots, Path tmp) {
    this.snapshots = snapshots;
    this.tmp = tmp;
  }

  @Override
  public boolean startsWhileKeying() {
    return true;
  }

  @Override
  public String runtimeKey(SourceOp.Git v, List<SolvedVertex> inputs, SolveJob job)
      throws BuildFailedException, IOException {
    Path dir = Files.createDirectories(tmp).resolve("git-" + UUID.randomUUID());
    String commit = checkout(v, dir);
    String key = OpRunner.combine(v.cacheKey(), commit);
    Path previous = checkouts.put(key, dir);
    if (previous != null) {
      FileTrees.deleteRecursively(previous);
    }
    return key;
  }

  @Override
  public SolvedVertex execute(SourceOp.Git v, List<SolvedVertex> inputs, String key, SolveJob job)
      throws BuildFailedException, IOException {
    Path dir = checkouts.remove(key);
    if (dir == null) {
      dir = Files.createDirectories(tmp).resolve("git-" + UUID.randomUUID());
      checkout(v, dir);
    }
    ActiveSnapshot active = snapshots.prepare("git-" + UUID.randomUUID(), null);
    try {
      Path source = v.subdir().isEmpty() ? dir : RootedPaths.resolve(dir, "/" + v.subdir());
      try (var entries = Files.list(source)) {
        for (Path entry : entries.toList()) {
          Files.move(
              entry,
              active.rootfs().resolve(entry.getFileName().toString()),
              StandardCopyOption.REPLACE_EXISTING);
        }
      }
      snapshots.commit(active, OpRunner.snapshotKey(key));
    } catch (IOException | RuntimeException e) {
      active.close();
      throw e;
    } finally {
      FileTrees.deleteRecursively(dir);
    }
    return new SolvedVertex(key, OpRunner.snapshotKey(key), null, false);
  }

  private static String checkout(SourceOp.Git v, Path dir)
      throws BuildFailedException, IOException {
    try {
      return GitCheckout.checkout(
          new GitCheckout.Request(
              v.url(), v.ref(), v.keepGitDir(), Optional.empty(), Optional.empty()),
          dir);
    } catch (SourceFetchException e) {
      FileTrees.deleteRecursively(dir);
      throw BuildFailedException.of(ErrorKind.ERROR_KIND_STEP_FAILED, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      FileTrees.deleteRecursively(dir);
      throw BuildFailedException.cancelled("interrupted during a git checkout");
    }
  }
}
