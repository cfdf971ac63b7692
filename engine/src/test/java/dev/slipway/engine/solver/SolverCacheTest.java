package dev.slipway.engine.solver;

import static dev.slipway.api.control.v1.VertexState.VERTEX_STATE_CACHED;
import static dev.slipway.api.control.v1.VertexState.VERTEX_STATE_DONE;
import static dev.slipway.api.control.v1.VertexState.VERTEX_STATE_STARTED;
import static dev.slipway.engine.solver.SolverRig.SCRATCH;
import static dev.slipway.engine.solver.SolverRig.run;
import static dev.slipway.engine.solver.SolverRig.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.engine.cache.CacheManifest;
import dev.slipway.engine.cache.ImportedCache;
import dev.slipway.engine.content.LayerCompression;
import dev.slipway.engine.graph.CacheKey;
import dev.slipway.engine.graph.ExecOp;
import dev.slipway.engine.graph.FileOp;
import dev.slipway.engine.graph.VertexInfo;
import dev.slipway.engine.snapshot.SnapshotView;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the solver runs a step and when it takes the result from the cache. */
class SolverCacheTest {

  @TempDir Path state;
  SolverRig rig;

  @BeforeEach
  void rig() throws Exception {
    rig = new SolverRig(state);
  }

  @AfterEach
  void close() throws Exception {
    rig.close();
  }

  @Test
  void aSolvedStepIsNotRunAgainEvenByAnotherSolverAndIsReportedCached() throws Exception {
    ExecOp a = run(SCRATCH, "a");
    ExecOp b = run(a, "b");
    SolverRig.Build first = rig.build();
    Map<CacheKey, SolvedVertex> solved = first.solve(rig.solver(4), b);

    SolverRig.Build second = rig.build();
    Map<CacheKey, SolvedVertex> again = second.solve(rig.solver(4), b);

    assertThat(rig.runs.count("a")).isEqualTo(1);
    assertThat(rig.runs.count("b")).isEqualTo(1);
    assertThat(first.states(b)).containsExactly(VERTEX_STATE_STARTED, VERTEX_STATE_DONE);
    assertThat(second.states(a)).containsExactly(VERTEX_STATE_CACHED);
    assertThat(second.states(b)).containsExactly(VERTEX_STATE_CACHED);
    assertThat(solved.get(b.cacheKey()).fromCache()).isFalse();
    assertThat(again.get(b.cacheKey()).fromCache()).isTrue();
    assertThat(again.get(b.cacheKey()).snapshotKey())
        .isEqualTo(solved.get(b.cacheKey()).snapshotKey());
  }

  @Test
  void aChangedStepRunsWithEverythingAfterItButNotWhatComesBefore() throws Exception {
    Solver solver = rig.solver(4);
    ExecOp a = run(SCRATCH, "a");
    rig.build().solve(solver, run(a, "b"));

    rig.build().solve(solver, run(a, "b2"));
    rig.build().solve(solver, run(run(SCRATCH, "a2"), "b"));

    assertThat(rig.runs.count("a")).isEqualTo(1);
    assertThat(rig.runs.count("b2")).isEqualTo(1);
    assertThat(rig.runs.count("a2")).isEqualTo(1);
    assertThat(rig.runs.count("b")).as("b again, on another input").isEqualTo(2);
  }

  @Test
  void ignoringTheCacheRunsEveryStepAgain() throws Exception {
    Solver solver = rig.solver(4);
    ExecOp b = run(run(SCRATCH, "a"), "b");
    rig.build().solve(solver, b);

    SolverRig.Build noCache = rig.build();
    Map<CacheKey, SolvedVertex> solved = noCache.solve(solver, b, true);

    assertThat(rig.runs.count("a")).isEqualTo(2);
    assertThat(rig.runs.count("b")).isEqualTo(2);
    assertThat(noCache.states(b)).containsExactly(VERTEX_STATE_STARTED, VERTEX_STATE_DONE);
    assertThat(read(solved.get(b.cacheKey()), "ran/b")).isEqualTo("b #2\n");
  }

  @Test
  void aStepMarkedToIgnoreTheCacheRunsAgainWithWhatIsBuiltOnItButNotItsInput() throws Exception {
    Solver solver = rig.solver(4);
    ExecOp a = run(SCRATCH, "a");
    ExecOp c = run(run(a, "b"), "c");
    rig.build().solve(solver, c);

    // what --no-cache-filter does to the vertices of the named stage
    ExecOp marked = run(a, "b", new VertexInfo("RUN b", null, true));
    ExecOp onMarked = run(marked, "c");
    SolverRig.Build build = rig.build();
    build.solve(solver, onMarked);
    SolverRig.Build later = rig.build();
    later.solve(solver, c);

    assertThat(rig.runs.count("a")).isEqualTo(1);
    assertThat(rig.runs.count("b")).isEqualTo(2);
    assertThat(rig.runs.count("c")).as("built on a new result").isEqualTo(2);
    assertThat(build.states(a)).containsExactly(VERTEX_STATE_CACHED);
    assertThat(later.states(c))
        .as("the unmarked graph keeps its cache")
        .containsExactly(VERTEX_STATE_CACHED);
  }

  @Test
  void aRecordWhoseSnapshotWasCollectedIsDroppedAndTheStepRunsAgain() throws Exception {
    Solver solver = rig.solver(4);
    ExecOp a = run(SCRATCH, "a");
    ExecOp b = run(a, "b");
    String bKey = rig.build().solve(solver, b).get(b.cacheKey()).runtimeKey();
    rig.snapshots.remove(OpRunner.snapshotKey(bKey));

    SolverRig.Build build = rig.build();
    Map<CacheKey, SolvedVertex> solved = build.solve(solver, b);

    assertThat(rig.runs.count("a")).isEqualTo(1);
    assertThat(rig.runs.count("b")).isEqualTo(2);
    assertThat(read(solved.get(b.cacheKey()), "ran/b")).isEqualTo("b #2\n");
    assertThat(rig.cache.get(bKey)).isPresent();
  }

  @Test
  void aSnapshotWithoutItsRecordIsReusedAndRecordedAgain() throws Exception {
    // what a crash between committing a step's snapshot and writing its record leaves
    Solver solver = rig.solver(4);
    ExecOp b = run(run(SCRATCH, "a"), "b");
    String bKey = rig.build().solve(solver, b).get(b.cacheKey()).runtimeKey();
    rig.cache.remove(bKey);

    SolverRig.Build build = rig.build();
    build.solve(solver, b);

    assertThat(rig.runs.count("b")).isEqualTo(1);
    assertThat(build.states(b)).containsExactly(VERTEX_STATE_STARTED, VERTEX_STATE_CACHED);
    assertThat(rig.cache.get(bKey)).isPresent();
  }

  @Test
  void onlyStepsAreRecordedNotTheEmptyFilesystem() throws Exception {
    ExecOp a = run(SCRATCH, "a");
    Map<CacheKey, SolvedVertex> solved = rig.build().solve(rig.solver(4), a);

    assertThat(rig.cache.list())
        .extracting(r -> r.key())
        .containsExactly(solved.get(a.cacheKey()).runtimeKey());
    assertThat(solved.get(SCRATCH.cacheKey()).snapshotKey()).isNull();
  }

  @Test
  void aStepInAnImportedCacheIsRestoredFromItsLayerInsteadOfRun(@TempDir Path elsewhere)
      throws Exception {
    FileOp one = write(SCRATCH, "/one.txt", "1");
    FileOp two = write(one, "/two.txt", "2");
    ExecOp three = run(two, "three");
    // another machine built the graph and exported its cache (mode=max)
    List<CacheManifest.Entry> exported;
    try (SolverRig other = new SolverRig(elsewhere)) {
      Map<CacheKey, SolvedVertex> solved = other.build().solve(other.solver(2), three);
      exported =
          new ResultLayers(other.snapshots, other.cache, other.content)
              .cacheEntries(three, solved, LayerCompression.gzip(1), true);
      for (CacheManifest.Entry e : exported) {
        try (InputStream blob = other.content.open(e.layer().digest())) {
          rig.content.ingest(blob, e.layer());
        }
      }
    }
    Map<String, CacheManifest.Entry> byKey =
        exported.stream().collect(Collectors.toMap(CacheManifest.Entry::key, Function.identity()));
    ImportedCache imported =
        key ->
            Optional.ofNullable(byKey.get(key))
                .map(e -> new ImportedCache.Hit(e, "cache from peer other (127.0.0.9:1)"));

    SolverRig.Build build = rig.new Build(imported);
    Map<CacheKey, SolvedVertex> solved = build.solve(rig.solver(2), three);

    assertThat(exported).hasSize(3);
    assertThat(rig.runs.count("three")).isZero();
    assertThat(build.states(three))
        .as("started (so its log line has a step to show under), then cached")
        .containsExactly(VERTEX_STATE_STARTED, VERTEX_STATE_CACHED);
    SolvedVertex top = solved.get(three.cacheKey());
    assertThat(read(top, "one.txt")).isEqualTo("1");
    assertThat(read(top, "two.txt")).isEqualTo("2");
    assertThat(read(top, "ran/three")).isEqualTo("three #1\n");
    assertThat(rig.cache.get(top.runtimeKey()).orElseThrow().layerDigest())
        .as("the record keeps the imported blob, so exporting reuses it")
        .isEqualTo(byKey.get(top.runtimeKey()).layer().digest().toString());
    assertThat(
            build.events.stream()
                .filter(SolveEvent::hasLog)
                .filter(l -> l.getLog().getVertexId().equals(three.cacheKey().toString()))
                .map(l -> l.getLog().getData().toStringUtf8()))
        .as("the step's log says where its layer came from")
        .containsExactly("cache from peer other (127.0.0.9:1)\n");
  }

  private String read(SolvedVertex v, String path) throws Exception {
    try (SnapshotView view = rig.snapshots.view(v.snapshotKey())) {
      return Files.readString(view.rootfs().resolve(path));
    }
  }
}
