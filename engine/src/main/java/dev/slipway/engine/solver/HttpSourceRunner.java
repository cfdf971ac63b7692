package dev.slipway.engine.solver;

import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.snapshot.Snapshotter;
import dev.slipway.engine.source.HttpSourceFetcher;
import dev.slipway.engine.source.SourceFetchException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code ADD https://…}: downloads the file and keys the result by its content, so an unchanged
 * file is a cache hit and a changed one is not.
 */
final class HttpSourceRunner extends FetchedSourceRunner<SourceOp.Http> {
  private final HttpSourceFetcher fetcher = new HttpSourceFetcher();

  HttpSourceRunner(Snapshotter snapshots, Path tmp) {
    super(snapshots, tmp);
  }

  @Override
  protected Fetched fetch(SourceOp.Http v, SolveJob job, Path dir)
      throws BuildFailedException, IOException {
    Files.createDirectories(dir);
    Path file;
    try {
      file = fetcher.fetch(v, dir);
    } catch (SourceFetchException e) {
      throw BuildFailedException.of(ErrorKind.ERROR_KIND_STEP_FAILED, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw BuildFailedException.cancelled("interrupted during a download");
    }
    Digest content;
    try (InputStream in = Files.newInputStream(file)) {
      content = Digest.of(in.readAllBytes());
    }
    long size = Files.size(file);
    job.progress().bytes(v, v.url(), v.url(), size, size, true);
    return new Fetched(dir, dir, content.toString());
  }
}
