package dev.slipway.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.control.v1.Ulimit;
import dev.slipway.engine.exec.HostLimits;
import dev.slipway.engine.job.BuildFailedException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --shm-size and --ulimit reach RUN steps (a real runtime), and what exceeds the builder fails. */
class RunLimitsTest {
  @TempDir Path state;
  @TempDir Path context;

  @BeforeEach
  void dockerfile() throws Exception {
    Files.writeString(
        context.resolve("Dockerfile"),
        """
        FROM 127.0.0.1:5000/busybox:latest
        RUN df -k /dev/shm && echo "nofile $(ulimit -Sn):$(ulimit -Hn)"
        """);
  }

  private static Ulimit nofile(long soft, long hard) {
    return Ulimit.newBuilder().setName("nofile").setSoft(soft).setHard(hard).build();
  }

  private String log(Engine engine, SolveRequest request) throws Exception {
    return new String(
        TestBuild.run(engine, context, request).events().bytes(), StandardCharsets.UTF_8);
  }

  @Test
  void aRunStepHasTheShmSizeAndUlimitsTheRequestAsksFor() throws Exception {
    try (Engine engine = Engine.open(EngineConfig.defaults(state))) {
      String log =
          log(
              engine,
              TestBuild.request()
                  .setShmSizeBytes(128L << 20)
                  .addUlimits(nofile(1024, 2048))
                  .setNoCache(true)
                  .build());

      assertThat(log).containsPattern("shm\\s+131072\\s").contains("nofile 1024:2048");
    }
  }

  @Test
  void withoutThemARunStepHasBuildKitsDefaultShmAndAnotherLimitIsNotTheCachedResult()
      throws Exception {
    try (Engine engine = Engine.open(EngineConfig.defaults(state))) {
      assertThat(log(engine, TestBuild.request().build())).containsPattern("shm\\s+65536\\s");

      // the limits are part of the step: a different one runs the step again
      String again = log(engine, TestBuild.request().addUlimits(nofile(512, 1024)).build());

      assertThat(again).contains("nofile 512:1024");
    }
  }

  @Test
  void aUlimitAboveTheBuildersOwnHardLimitOrOfNoKnownNameIsRefused() throws Exception {
    long builderMax = HostLimits.current().hardLimit("nofile");
    assertThat(builderMax).as("this test needs a builder with a bounded nofile").isPositive();
    try (Engine engine = Engine.open(EngineConfig.defaults(state))) {
      assertThatThrownBy(
              () ->
                  log(engine, TestBuild.request().addUlimits(nofile(1024, builderMax + 1)).build()))
          .isInstanceOfSatisfying(
              BuildFailedException.class,
              e -> {
                assertThat(e.error().getKind()).isEqualTo(ErrorKind.ERROR_KIND_INVALID_INPUT);
                assertThat(e.getMessage()).contains("the builder's own hard limit for nofile");
              });
      assertThatThrownBy(
              () ->
                  log(
                      engine,
                      TestBuild.request()
                          .addUlimits(
                              Ulimit.newBuilder().setName("as\n").setSoft(1).setHard(1).build())
                          .build()))
          .isInstanceOfSatisfying(
              BuildFailedException.class,
              e -> {
                assertThat(e.error().getKind()).isEqualTo(ErrorKind.ERROR_KIND_INVALID_INPUT);
                assertThat(e.getMessage()).contains("is not known; use one of core, cpu");
              });
    }
  }

  @Test
  void anShmSizeBeyondTheBuildersMemoryIsRefused() throws Exception {
    try (Engine engine = Engine.open(EngineConfig.defaults(state))) {
      assertThatThrownBy(() -> log(engine, TestBuild.request().setShmSizeBytes(1L << 60).build()))
          .isInstanceOfSatisfying(
              BuildFailedException.class,
              e -> assertThat(e.getMessage()).contains("more than the builder's memory"));
    }
  }
}
