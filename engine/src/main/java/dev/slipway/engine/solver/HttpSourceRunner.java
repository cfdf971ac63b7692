package dev.slipway.engine.solver;

import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.snapshot.Snapshotter;
import dev.slipway.engine.source.HttpSourceFetcher;
import dev.slipway.engine.source.SourceFetchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code ADD https://…}: downloads the file and keys the result by its content, so an unchanged
 * file is a cache hit and a changed one is not.
 */
final class HttpSourceRunner extends FetchedSourceRunner<SourceOp.Http> {
  private final HttpSourceFetcher fetcher;

  HttpSourceRunner(Snapshotter snapshots, Path tmp, HttpSourceFetcher fetcher) {
    super(snapshots, tmp);
    this.fetcher = fetcher;
  }

  @Override
  protected Fetched fetch(SourceOp.Http v, SolveJob job, Path dir)
      throws BuildFailedException, IOException {
    Files.createDirectories(dir);
    HttpSourceFetcher.Download download;
    try {
      download = fetcher.fetch(v, dir, job.progress().transfers(v));
    } catch (SourceFetchException e) {
      throw BuildFailedException.of(ErrorKind.ERROR_KIND_STEP_FAILED, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw BuildFailedException.cancelled("interrupted during a download");
    }
    // The digest was taken while the file streamed to disk: it is never read into memory.
    return new Fetched(dir, dir, download.digest());
  }
}
