package dev.slipway.engine.solver;

import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.engine.cache.CacheIndex;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.exec.ProcessExecutor;
import dev.slipway.engine.fileop.ArchiveLimits;
import dev.slipway.engine.graph.ExecOp;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.snapshot.Snapshotter;
import dev.slipway.engine.source.HttpSourceFetcher;
import java.nio.file.Path;
import java.util.List;

/** Wires a {@link Solver} with the runner of every vertex kind over one state directory. */
public final class SolverSetup {
  private SolverSetup() {}

  /**
   * @param executor runs RUN steps; null when no OCI runtime is installed, in which case a RUN step
   *     fails with the message that says what to install
   * @param downloads fetches ADD URLs within the engine's download limit; the engine closes it
   * @param maxLogBytesPerStep the output of one RUN step that reaches the build's log; the rest is
   *     clipped
   * @param archives how far an archive that ADD unpacks may expand
   */
  public static Solver solver(
      int parallelism,
      Snapshotter snapshots,
      CacheIndex cache,
      ContentStore content,
      BaseImages images,
      ProcessExecutor executor,
      Path stateDir,
      Path tmp,
      HttpSourceFetcher downloads,
      long maxLogBytesPerStep,
      ArchiveLimits archives) {
    OpRunner<ExecOp> execs =
        executor != null
            ? new ExecRunner(
                snapshots,
                executor,
                new CacheMounts(stateDir.resolve("cache-mounts")),
                maxLogBytesPerStep)
            : SolverSetup::noRuntime;
    OpRunners runners =
        new OpRunners(
            new ImageSourceRunner(images, content, snapshots),
            new ContextSourceRunner(stateDir.resolve("contexts"), snapshots),
            new HttpSourceRunner(snapshots, tmp, downloads),
            new GitSourceRunner(snapshots, tmp),
            execs,
            new FileOpRunner(snapshots, tmp, archives),
            new MergeRunner(snapshots, tmp));
    return new Solver(runners, cache, snapshots, content, parallelism);
  }

  private static SolvedVertex noRuntime(
      ExecOp v, List<SolvedVertex> inputs, String key, SolveJob job) throws BuildFailedException {
    throw BuildFailedException.of(
        ErrorKind.ERROR_KIND_INTERNAL,
        "RUN needs an OCI runtime and none was found on PATH: install one with"
            + " `apt-get install crun` (or runc)");
  }
}
