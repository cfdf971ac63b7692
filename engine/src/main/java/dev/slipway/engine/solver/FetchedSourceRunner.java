package dev.slipway.engine.solver;

import dev.slipway.engine.fs.FileTrees;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.snapshot.ActiveSnapshot;
import dev.slipway.engine.snapshot.Snapshotter;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A source fetched from elsewhere (an ADD URL, a git repository): fetched while its key is worked
 * out, since only the fetched content says whether the cache holds it, then moved into a snapshot
 * of its own on a cache miss.
 */
abstract class FetchedSourceRunner<V extends SourceOp> implements OpRunner<V> {

  /**
   * What a fetch produced.
   *
   * @param dir the directory the fetch owns (deleted afterwards)
   * @param root the directory whose entries become the snapshot's root (dir or inside it)
   * @param contentId what identifies the content (a digest, a commit)
   */
  protected record Fetched(Path dir, Path root, String contentId) {}

  private final Snapshotter snapshots;
  private final Path tmp;
  private final Map<String, Fetched> fetched = new ConcurrentHashMap<>();

  FetchedSourceRunner(Snapshotter snapshots, Path tmp) {
    this.snapshots = snapshots;
    this.tmp = tmp;
  }

  /** Fetches into {@code dir} (which does not exist yet). */
  protected abstract Fetched fetch(V vertex, SolveJob job, Path dir)
      throws BuildFailedException, IOException;

  @Override
  public boolean startsWhileKeying() {
    return true;
  }

  @Override
  public String runtimeKey(V v, List<SolvedVertex> inputs, SolveJob job)
      throws BuildFailedException, IOException {
    Fetched f = fetchInto(v, job);
    String key = OpRunner.combine(v.cacheKey(), f.contentId());
    Fetched previous = fetched.put(key, f);
    if (previous != null) {
      FileTrees.deleteRecursively(previous.dir());
    }
    return key;
  }

  @Override
  public SolvedVertex execute(V v, List<SolvedVertex> inputs, String key, SolveJob job)
      throws BuildFailedException, IOException {
    Fetched f = fetched.remove(key);
    if (f == null) {
      f = fetchInto(v, job);
    }
    ActiveSnapshot active = snapshots.prepare("fetched-" + UUID.randomUUID(), null);
    try {
      moveEntries(f.root(), active.rootfs());
      snapshots.commit(active, OpRunner.snapshotKey(key));
    } catch (IOException | RuntimeException e) {
      active.close();
      throw e;
    } finally {
      FileTrees.deleteRecursively(f.dir());
    }
    return new SolvedVertex(key, OpRunner.snapshotKey(key), null, false);
  }

  /**
   * Moves what {@code from} holds into {@code to}. Where the two are on different file systems (an
   * overlay rootfs) a directory cannot be renamed, so it is made anew and its entries moved one by
   * one; links are moved as links, never followed.
   */
  private static void moveEntries(Path from, Path to) throws IOException {
    try (var entries = Files.list(from)) {
      for (Path entry : entries.toList()) {
        Path target = to.resolve(entry.getFileName().toString());
        try {
          Files.move(entry, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (DirectoryNotEmptyException crossDevice) {
          Files.createDirectory(target);
          moveEntries(entry, target);
          Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(entry));
          Files.setLastModifiedTime(target, Files.getLastModifiedTime(entry));
          Files.delete(entry);
        }
      }
    }
  }

  private Fetched fetchInto(V v, SolveJob job) throws BuildFailedException, IOException {
    Path dir = Files.createDirectories(tmp).resolve("fetch-" + UUID.randomUUID());
    try {
      return fetch(v, job, dir);
    } catch (BuildFailedException | IOException | RuntimeException e) {
      FileTrees.deleteRecursively(dir);
      throw e;
    }
  }
}
