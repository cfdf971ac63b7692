package dev.slipway.engine.solver;

import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.confined.RootedPaths;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.snapshot.Snapshotter;
import dev.slipway.engine.source.GitCheckout;
import dev.slipway.engine.source.SourceFetchException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code ADD https://…/repo.git#ref:subdir} (or {@code ?ref=…&subdir=…}): checks the ref out,
 * refuses a commit other than the checksum asks for, and keys the result by the commit it resolved
 * to, so a moved branch is a cache miss and an unchanged one a hit.
 */
final class GitSourceRunner extends FetchedSourceRunner<SourceOp.Git> {

  GitSourceRunner(Snapshotter snapshots, Path tmp) {
    super(snapshots, tmp);
  }

  @Override
  protected Fetched fetch(SourceOp.Git v, SolveJob job, Path dir)
      throws BuildFailedException, IOException {
    try {
      String commit =
          GitCheckout.checkout(
              new GitCheckout.Request(
                      v.url(), v.ref(), v.keepGitDir(), Optional.empty(), Optional.empty())
                  .pinned(v.checksum(), v.submodules()),
              dir);
      Path root = v.subdir().isEmpty() ? dir : RootedPaths.resolve(dir, "/" + v.subdir());
      return new Fetched(dir, root, commit);
    } catch (SourceFetchException e) {
      throw BuildFailedException.of(ErrorKind.ERROR_KIND_STEP_FAILED, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw BuildFailedException.cancelled("interrupted during a git checkout");
    }
  }
}
