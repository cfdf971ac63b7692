package dev.slipway.engine.solver;

import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.engine.BuildFailedException;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.snapshot.ActiveSnapshot;
import dev.slipway.engine.snapshot.Snapshotter;
import dev.slipway.engine.source.HttpSourceFetcher;
import dev.slipway.engine.source.SourceFetchException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code ADD https://…}: downloads the file and keys the result by its content, so an unchanged
 * file is a cache hit and a changed one is not.
 */
final class HttpSourceRunner implements OpRunner<SourceOp.Http> {
  private final Snapshotter snapshots;
  private final Path tmp;
  private final HttpSourceFetcher fetcher = new HttpSourceFetcher();
  private final Map<String, Path> downloads = new ConcurrentHashMap<>();

  HttpSourceRunner(Snapshotter snapshots, Path tmp) {
    this.snapshots = snapshots;
    this.tmp = tmp;
  }

  @Override
  public boolean startsWhileKeying() {
    return true;
  }

  @Override
  public String runtimeKey(SourceOp.Http v, List<SolvedVertex> inputs, SolveJob job)
      throws BuildFailedException, IOException {
    Path file = download(v);
    Digest content;
    try (InputStream in = Files.newInputStream(file)) {
      content = Digest.of(in.readAllBytes());
    }
    job.progress().bytes(v, v.url(), v.url(), Files.size(file), Files.size(file), true);
    String key = OpRunner.combine(v.cacheKey(), content.toString());
    Path previous = downloads.put(key, file);
    if (previous != null) {
      deleteDownload(previous);
    }
    return key;
  }

  @Override
  public SolvedVertex execute(SourceOp.Http v, List<SolvedVertex> inputs, String key, SolveJob job)
      throws BuildFailedException, IOException {
    Path file = downloads.remove(key);
    if (file == null) {
      file = download(v);
    }
    ActiveSnapshot active = snapshots.prepare("http-" + UUID.randomUUID(), null);
    try {
      Files.move(
          file,
          active.rootfs().resolve(file.getFileName().toString()),
          StandardCopyOption.REPLACE_EXISTING);
      snapshots.commit(active, OpRunner.snapshotKey(key));
    } catch (IOException | RuntimeException e) {
      active.close();
      throw e;
    } finally {
      deleteDownload(file);
    }
    return new SolvedVertex(key, OpRunner.snapshotKey(key), null, false);
  }

  /** Downloads into a directory of its own, where the fetcher names the file as ADD does. */
  private Path download(SourceOp.Http v) throws BuildFailedException, IOException {
    Path dir = Files.createTempDirectory(Files.createDirectories(tmp), "download-");
    try {
      return fetcher.fetch(v, dir);
    } catch (SourceFetchException e) {
      deleteDownload(dir.resolve("x"));
      throw BuildFailedException.of(ErrorKind.ERROR_KIND_STEP_FAILED, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw BuildFailedException.cancelled("interrupted during a download");
    }
  }

  private static void deleteDownload(Path file) throws IOException {
    Files.deleteIfExists(file);
    Files.deleteIfExists(file.getParent());
  }
}
