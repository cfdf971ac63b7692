package dev.slipway.engine.solver;

import static dev.slipway.api.control.v1.VertexState.VERTEX_STATE_CANCELLED;
import static dev.slipway.api.control.v1.VertexState.VERTEX_STATE_DONE;
import static dev.slipway.api.control.v1.VertexState.VERTEX_STATE_ERROR;
import static dev.slipway.api.control.v1.VertexState.VERTEX_STATE_STARTED;
import static dev.slipway.engine.solver.SolverRig.SCRATCH;
import static dev.slipway.engine.solver.SolverRig.at;
import static dev.slipway.engine.solver.SolverRig.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.control.v1.BuildError;
import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.engine.graph.CacheKey;
import dev.slipway.engine.graph.ExecOp;
import dev.slipway.engine.graph.MergeOp;
import dev.slipway.engine.graph.Vertex;
import dev.slipway.engine.graph.VertexInfo;
import dev.slipway.engine.job.BuildFailedException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** In which order the solver runs steps, how many at once, and what a failure does. */
@Timeout(60)
class SolverSchedulingTest {

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
  void aStepStartsOnlyAfterAllItsInputsAreDone() throws Exception {
    ExecOp left = run(SCRATCH, "sleep:150");
    ExecOp right = run(SCRATCH, "right");
    MergeOp both = new MergeOp(List.of(left, right), VertexInfo.named("merge"));
    ExecOp top = run(both, "top");
    SolverRig.Build build = rig.build();

    Map<CacheKey, SolvedVertex> solved = build.solve(rig.solver(4), top);

    for (Vertex input : List.of(left, right)) {
      assertThat(build.indexOf(input, VERTEX_STATE_DONE))
          .isLessThan(build.indexOf(both, VERTEX_STATE_STARTED));
    }
    assertThat(build.indexOf(both, VERTEX_STATE_DONE))
        .isLessThan(build.indexOf(top, VERTEX_STATE_STARTED));
    assertThat(build.states(top)).containsExactly(VERTEX_STATE_STARTED, VERTEX_STATE_DONE);
    assertThat(solved).containsKeys(SCRATCH.cacheKey(), left.cacheKey(), both.cacheKey());
  }

  @Test
  void vertexEventsCarryTheirInputsLocationAndTimes() throws Exception {
    ExecOp a = run(SCRATCH, "a", at("[2/3] RUN a", 4));
    SolverRig.Build build = rig.build();

    build.solve(rig.solver(1), a);

    var events = build.events.stream().filter(e -> e.hasVertex()).map(e -> e.getVertex()).toList();
    assertThat(events).hasSize(2);
    var started = events.get(0);
    var done = events.get(1);
    assertThat(started.getName()).isEqualTo("[2/3] RUN a");
    assertThat(started.getInputsList()).containsExactly(SCRATCH.cacheKey().toString());
    assertThat(started.getLocation().getRanges(0).getStartLine()).isEqualTo(4);
    assertThat(started.hasStarted()).isTrue();
    assertThat(started.hasCompleted()).isFalse();
    assertThat(done.getStarted()).isEqualTo(started.getStarted());
    assertThat(done.hasCompleted()).isTrue();
    assertThat(build.events).allMatch(e -> e.getBuildId().equals("build"));
  }

  @Test
  void aFailingStepCancelsTheOthersAndIsTheErrorReportedWithItsLocation() throws Exception {
    ExecOp slow = run(SCRATCH, "until-cancelled", at("RUN until-cancelled", 2));
    // fails once the slow step is surely running
    ExecOp failing = run(run(SCRATCH, "sleep:300"), "fail", at("RUN fail", 3));
    MergeOp both = new MergeOp(List.of(slow, failing), VertexInfo.named("merge"));
    ExecOp after = run(both, "after");
    SolverRig.Build build = rig.build();
    Solver solver = rig.solver(4);

    assertThatThrownBy(() -> build.solve(solver, after))
        .isInstanceOfSatisfying(
            BuildFailedException.class,
            e -> {
              BuildError error = e.error();
              assertThat(error.getKind()).isEqualTo(ErrorKind.ERROR_KIND_STEP_FAILED);
              assertThat(error.getVertexId()).isEqualTo(failing.cacheKey().toString());
              assertThat(error.getLocation().getRanges(0).getStartLine()).isEqualTo(3);
              assertThat(error.getMessage()).contains("exited with code 1");
            });

    assertThat(build.states(failing)).containsExactly(VERTEX_STATE_STARTED, VERTEX_STATE_ERROR);
    assertThat(build.states(slow)).containsExactly(VERTEX_STATE_STARTED, VERTEX_STATE_CANCELLED);
    assertThat(build.states(both)).isEmpty();
    assertThat(build.states(after)).isEmpty();
    assertThat(rig.runs.count("after")).isZero();
  }

  @Test
  void cancellingTheBuildStopsItsRunningStepAndFailsAsCancelled() throws Exception {
    ExecOp waiting = run(SCRATCH, "until-cancelled");
    SolverRig.Build build = rig.build();
    Solver solver = rig.solver(2);
    var canceller =
        Executors.newSingleThreadExecutor()
            .submit(
                () -> {
                  rig.runs.awaitStarted("until-cancelled");
                  build.job.cancellation().cancel("user pressed ctrl-c");
                  return null;
                });

    assertThatThrownBy(() -> build.solve(solver, waiting))
        .isInstanceOfSatisfying(
            BuildFailedException.class,
            e -> {
              assertThat(e.error().getKind()).isEqualTo(ErrorKind.ERROR_KIND_CANCELLED);
              assertThat(e.getMessage()).contains("ctrl-c");
            });
    canceller.get(10, TimeUnit.SECONDS);
    assertThat(build.states(waiting)).containsExactly(VERTEX_STATE_STARTED, VERTEX_STATE_CANCELLED);
  }

  @Test
  void atMostParallelismStepsRunAtOnce() throws Exception {
    List<Vertex> steps =
        List.of(
            run(SCRATCH, "sleep:200"),
            run(SCRATCH, "sleep:201"),
            run(SCRATCH, "sleep:202"),
            run(SCRATCH, "sleep:203"));
    MergeOp all = new MergeOp(steps, VertexInfo.named("merge"));

    rig.build().solve(rig.solver(2), all);

    assertThat(rig.runs.mostAtOnce()).isEqualTo(2);
  }

  @Test
  void twoBuildsNeedingTheSameStepAtOnceShareOneExecution() throws Exception {
    ExecOp shared = run(SCRATCH, "hold:shared");
    Solver solver = rig.solver(4);
    SolverRig.Build first = rig.build();
    SolverRig.Build second = rig.build();
    var threads = Executors.newVirtualThreadPerTaskExecutor();
    try {
      CompletableFuture<Map<CacheKey, SolvedVertex>> one =
          CompletableFuture.supplyAsync(() -> solveUnchecked(first, solver, shared), threads);
      rig.runs.awaitStarted("hold:shared");
      CompletableFuture<Map<CacheKey, SolvedVertex>> two =
          CompletableFuture.supplyAsync(() -> solveUnchecked(second, solver, shared), threads);
      for (int i = 0; i < 500 && second.states(shared).isEmpty(); i++) {
        Thread.sleep(10);
      }
      Thread.sleep(200); // from its STARTED event into the wait for the running execution
      rig.runs.release("shared");

      SolvedVertex a = one.get(30, TimeUnit.SECONDS).get(shared.cacheKey());
      SolvedVertex b = two.get(30, TimeUnit.SECONDS).get(shared.cacheKey());

      assertThat(rig.runs.count("hold:shared")).isEqualTo(1);
      assertThat(b.snapshotKey()).isEqualTo(a.snapshotKey());
      assertThat(second.states(shared)).containsExactly(VERTEX_STATE_STARTED, VERTEX_STATE_DONE);
    } finally {
      threads.shutdownNow();
    }
  }

  private static Map<CacheKey, SolvedVertex> solveUnchecked(
      SolverRig.Build build, Solver solver, Vertex root) {
    try {
      return build.solve(solver, root);
    } catch (BuildFailedException e) {
      throw new IllegalStateException(e);
    }
  }
}
