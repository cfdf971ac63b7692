package dev.slipway.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.control.v1.VertexState;
import dev.slipway.engine.TestBuild.Recorded;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rebuilds on one state directory, across engine restarts, judged by the progress events. */
class CacheHitTest {
  private static final String DOCKERFILE =
      """
      FROM 127.0.0.1:5000/busybox:latest
      COPY a.txt /a.txt
      RUN cat /a.txt > /a.copy
      COPY b.txt /b.txt
      RUN cat /b.txt /a.copy > /b.copy
      """;

  @TempDir Path state;
  @TempDir Path context;
  @TempDir Path out;

  @Test
  void unchangedContextIsAllCacheHitsAndOneChangedFileRerunsOnlyWhatDependsOnIt() throws Exception {
    Files.writeString(context.resolve("Dockerfile"), DOCKERFILE);
    Files.writeString(context.resolve("a.txt"), "alpha\n");
    Files.writeString(context.resolve("b.txt"), "beta\n");
    try (Engine engine = Engine.open(EngineConfig.defaults(state))) {
      Recorded cold = TestBuild.run(engine, context, TestBuild.request().build());
      assertThat(executedSteps(cold)).hasSize(4);
    }

    try (Engine restarted = Engine.open(EngineConfig.defaults(state))) {
      Recorded warm = TestBuild.run(restarted, context, TestBuild.request().build());
      assertThat(executedSteps(warm)).isEmpty();
      assertThat(warm.result().getStepsCached()).isEqualTo(warm.result().getStepsTotal());
      assertThat(warm.events().states())
          .allSatisfy(
              (step, state) -> {
                if (state != VertexState.VERTEX_STATE_CACHED) {
                  assertThat(step).containsAnyOf("load build context", "FROM", "exporting");
                }
              });

      Files.writeString(context.resolve("b.txt"), "beta, changed\n");
      Recorded changed =
          TestBuild.run(
              restarted,
              context,
              TestBuild.request().addOutputs(TestBuild.local(out.resolve("rootfs"))).build());
      Map<String, VertexState> states = changed.events().states();
      assertThat(executedSteps(changed))
          .containsExactly("COPY b.txt /b.txt", "RUN cat /b.txt /a.copy > /b.copy");
      assertThat(states.get(name(changed, "COPY a.txt")))
          .isEqualTo(VertexState.VERTEX_STATE_CACHED);
      assertThat(states.get(name(changed, "RUN cat /a.txt")))
          .isEqualTo(VertexState.VERTEX_STATE_CACHED);
      assertThat(out.resolve("rootfs/b.copy")).hasContent("beta, changed\nalpha");
    }
  }

  /**
   * Steps that ran rather than came from the cache, by their instruction text. Loading the context
   * and the base image always runs (it checks what changed), so it is not counted.
   */
  private static java.util.List<String> executedSteps(Recorded build) {
    return build.events().finalSteps().values().stream()
        .filter(e -> e.getState() == VertexState.VERTEX_STATE_DONE)
        .map(e -> e.getName())
        .filter(n -> n.contains("] COPY") || n.contains("] RUN") || n.contains("] ADD"))
        .map(n -> n.substring(n.indexOf("] ") + 2))
        .toList();
  }

  private static String name(Recorded build, String instruction) {
    return build.events().step("] " + instruction).getName();
  }
}
