package dev.slipway.engine.solver;

import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.VertexState;
import dev.slipway.engine.cache.CacheIndex;
import dev.slipway.engine.cache.CacheLeases;
import dev.slipway.engine.cache.ImportedCache;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Platform;
import dev.slipway.engine.exec.NetworkMode;
import dev.slipway.engine.graph.CacheKey;
import dev.slipway.engine.graph.ExecOp;
import dev.slipway.engine.graph.FileAction;
import dev.slipway.engine.graph.FileOp;
import dev.slipway.engine.graph.SourceLocation;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.graph.Vertex;
import dev.slipway.engine.graph.VertexInfo;
import dev.slipway.engine.job.BuildCancellation;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.snapshot.Snapshotter;
import dev.slipway.engine.snapshot.SnapshotterMode;
import dev.slipway.engine.snapshot.Snapshotters;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A solver on a real state directory: real snapshots (copy mode, which works everywhere), cache
 * index and content store, the real file and merge runners, and {@link ScriptedRuns} in place of
 * the OCI runtime for RUN steps. Image sources are wired when a test sets {@link #baseImages};
 * other sources are not.
 */
final class SolverRig implements AutoCloseable {
  static final Platform PLATFORM = Platform.parse("linux/amd64");
  static final Vertex SCRATCH = new SourceOp.Scratch(VertexInfo.named(""));

  final Snapshotter snapshots;
  final CacheIndex cache;
  final ContentStore content;
  final CacheLeases leases = new CacheLeases();
  final ScriptedRuns runs;
  private final Path tmp;
  private final List<Solver> solvers = new ArrayList<>();

  /** Where FROM images come from in solvers made after it is set; none by default. */
  BaseImages baseImages;

  SolverRig(Path state) throws IOException {
    snapshots = Snapshotters.open(state.resolve("snapshots"), Optional.of(SnapshotterMode.COPY));
    cache = CacheIndex.open(state.resolve("cache"));
    content = ContentStore.open(state.resolve("content"));
    tmp = state.resolve("tmp");
    runs = new ScriptedRuns(snapshots);
  }

  Solver solver(int parallelism) {
    OpRunner<SourceOp.Image> images =
        baseImages != null
            ? new ImageSourceRunner(baseImages, content, snapshots)
            : SolverRig::notWired;
    OpRunner<SourceOp.Context> contexts = SolverRig::notWired;
    OpRunner<SourceOp.Http> downloads = SolverRig::notWired;
    OpRunner<SourceOp.Git> repositories = SolverRig::notWired;
    OpRunners runners =
        new OpRunners(
            images,
            contexts,
            downloads,
            repositories,
            runs,
            new FileOpRunner(snapshots, tmp, dev.slipway.engine.fileop.ArchiveLimits.DEFAULT),
            new MergeRunner(snapshots, tmp));
    Solver solver = new Solver(runners, cache, snapshots, content, parallelism);
    solvers.add(solver);
    return solver;
  }

  private static SolvedVertex notWired(
      Vertex v, List<SolvedVertex> inputs, String key, SolveJob job) {
    throw new UnsupportedOperationException("the rig runs no " + v.getClass().getSimpleName());
  }

  /** One build: its job and every event it reported. */
  final class Build {
    final List<SolveEvent> events = Collections.synchronizedList(new ArrayList<>());
    final SolveJob job;

    Build(ImportedCache imported) {
      job =
          new SolveJob(
              "build-" + System.nanoTime(),
              null,
              new ProgressEmitter("build", events::add),
              new BuildCancellation(),
              NetworkMode.NONE,
              Set.of(),
              Set.of(),
              false,
              dev.slipway.engine.registry.RegistryAccess.anonymous(),
              imported,
              leases.open());
    }

    Map<CacheKey, SolvedVertex> solve(Solver solver, Vertex root) throws BuildFailedException {
      return solve(solver, root, false);
    }

    Map<CacheKey, SolvedVertex> solve(Solver solver, Vertex root, boolean ignoreCache)
        throws BuildFailedException {
      try {
        return solver.solve(root, job, ignoreCache);
      } finally {
        job.lease().close();
      }
    }

    /** The states reported for {@code v}, in order. */
    List<VertexState> states(Vertex v) {
      synchronized (events) {
        return events.stream()
            .filter(SolveEvent::hasVertex)
            .filter(e -> e.getVertex().getVertexId().equals(v.cacheKey().toString()))
            .map(e -> e.getVertex().getState())
            .toList();
      }
    }

    /** Index of the first event reporting {@code state} for {@code v}, or -1. */
    int indexOf(Vertex v, VertexState state) {
      synchronized (events) {
        for (int i = 0; i < events.size(); i++) {
          SolveEvent e = events.get(i);
          if (e.hasVertex()
              && e.getVertex().getVertexId().equals(v.cacheKey().toString())
              && e.getVertex().getState() == state) {
            return i;
          }
        }
        return -1;
      }
    }
  }

  Build build() {
    return new Build(ImportedCache.NONE);
  }

  /** A RUN step whose "command" {@link ScriptedRuns} interprets. */
  static ExecOp run(Vertex base, String command) {
    return run(base, command, VertexInfo.named("RUN " + command));
  }

  static ExecOp run(Vertex base, String command, VertexInfo info) {
    return new ExecOp(
        base,
        List.of("/bin/sh", "-c", command),
        List.of(),
        "/",
        "",
        NetworkMode.DEFAULT,
        ExecOp.SecurityMode.SANDBOX,
        List.of(),
        List.of(),
        PLATFORM,
        info);
  }

  static VertexInfo at(String name, int line) {
    return new VertexInfo(name, new SourceLocation("Dockerfile", line, line), false);
  }

  /** A heredoc-like file step: writes {@code data} to {@code path}. */
  static FileOp write(Vertex base, String path, String data) {
    return new FileOp(
        base,
        List.of(new FileAction.Mkfile(path, 0644, data, null, null)),
        VertexInfo.named("WRITE " + path));
  }

  /** {@code COPY --from=<from> <path> <path>} onto {@code base}. */
  static FileOp copyFrom(Vertex base, Vertex from, String path) {
    FileAction.Copy copy =
        new FileAction.Copy(
            from,
            List.of(path),
            path,
            null,
            null,
            null,
            true,
            true,
            true,
            false,
            false,
            List.of(),
            false,
            false,
            false);
    return new FileOp(base, List.of(copy), VertexInfo.named("COPY --from " + path));
  }

  @Override
  public void close() throws Exception {
    solvers.forEach(Solver::close);
    snapshots.close();
  }
}
