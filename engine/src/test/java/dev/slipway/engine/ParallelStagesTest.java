package dev.slipway.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.api.control.v1.VertexEvent;
import dev.slipway.api.control.v1.VertexState;
import dev.slipway.engine.TestBuild.Recorded;
import dev.slipway.engine.job.BuildCancellation;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.session.LocalSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Independent stages of a multi-stage build run at the same time. */
class ParallelStagesTest {
  @TempDir Path state;
  @TempDir Path context;
  @TempDir Path out;

  @Test
  void independentStagesOverlapInTime() throws Exception {
    Files.writeString(
        context.resolve("Dockerfile"),
        """
        FROM 127.0.0.1:5000/busybox:latest AS left
        RUN sleep 2 && echo left > /left
        FROM 127.0.0.1:5000/busybox:latest AS right
        RUN sleep 2 && echo right > /right
        FROM 127.0.0.1:5000/busybox:latest
        COPY --from=left /left /left
        COPY --from=right /right /right
        """);
    try (Engine engine = Engine.open(EngineConfig.defaults(state).withParallelism(2))) {
      Recorded build =
          TestBuild.run(
              engine,
              context,
              TestBuild.request().addOutputs(TestBuild.local(out.resolve("rootfs"))).build());

      VertexEvent left = build.events().step("echo left");
      VertexEvent right = build.events().step("echo right");
      assertThat(left.getState()).isEqualTo(VertexState.VERTEX_STATE_DONE);
      assertThat(right.getState()).isEqualTo(VertexState.VERTEX_STATE_DONE);
      assertThat(BuildEvents.overlap(left, right))
          .as("left ran %s, right ran %s", times(left), times(right))
          .isTrue();
      assertThat(out.resolve("rootfs/left")).hasContent("left");
      assertThat(out.resolve("rootfs/right")).hasContent("right");
    }
  }

  @Test
  void aFailedStepStopsTheOtherStagesAndFailsTheBuildWithoutCancellingIt() throws Exception {
    Files.writeString(
        context.resolve("Dockerfile"),
        """
        FROM 127.0.0.1:5000/busybox:latest AS broken
        RUN sleep 1 && exit 3
        FROM 127.0.0.1:5000/busybox:latest AS slow
        RUN sleep 60 && echo slow > /slow
        FROM 127.0.0.1:5000/busybox:latest
        COPY --from=broken /etc/hostname /broken
        COPY --from=slow /slow /slow
        """);
    BuildCancellation cancellation = new BuildCancellation();
    Instant started = Instant.now();
    try (Engine engine = Engine.open(EngineConfig.defaults(state).withParallelism(2));
        LocalSession session = LocalSession.builder().context("context", context).build()) {
      BuildFailedException failure =
          catchThrowableOfType(
              BuildFailedException.class,
              () -> engine.solve(TestBuild.request().build(), session, event -> {}, cancellation));

      assertThat(failure.error().getKind()).isEqualTo(ErrorKind.ERROR_KIND_STEP_FAILED);
      assertThat(failure.error().getExitCode()).isEqualTo(3);
    }
    assertThat(Duration.between(started, Instant.now()))
        .as("the slow stage was stopped")
        .isLessThan(Duration.ofSeconds(45));
    assertThat(cancellation.isCancelled())
        .as("a failed step is the build's failure, not a cancellation by its caller")
        .isFalse();
  }

  private static String times(VertexEvent e) {
    return BuildEvents.instant(e.getStarted()) + ".." + BuildEvents.instant(e.getCompleted());
  }
}
