package dev.slipway.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.api.control.v1.HostEntry;
import dev.slipway.engine.job.BuildFailedException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A SolveRequest's extra hosts (--add-host, spec.extraHosts) are in /etc/hosts of RUN steps. */
class ExtraHostsTest {
  @TempDir Path state;
  @TempDir Path context;

  @Test
  void runStepsResolveTheRequestsExtraHosts() throws Exception {
    Files.writeString(
        context.resolve("Dockerfile"),
        """
        FROM 127.0.0.1:5000/busybox:latest
        RUN grep db.internal /etc/hosts
        """);
    try (Engine engine = Engine.open(EngineConfig.defaults(state))) {
      TestBuild.Recorded build =
          TestBuild.run(
              engine,
              context,
              TestBuild.request()
                  .addExtraHosts(HostEntry.newBuilder().setHost("db.internal").setIp("10.0.0.7"))
                  .build());

      assertThat(new String(build.events().bytes(), StandardCharsets.UTF_8))
          .containsPattern("10\\.0\\.0\\.7\\s+db\\.internal");
    }
  }

  @Test
  void aHostThatWouldWriteASecondLineIsTheRequestsFault() throws Exception {
    Files.writeString(context.resolve("Dockerfile"), "FROM 127.0.0.1:5000/busybox:latest\n");
    try (Engine engine = Engine.open(EngineConfig.defaults(state))) {
      var request =
          TestBuild.request()
              .addExtraHosts(HostEntry.newBuilder().setHost("db 10.0.0.8 evil").setIp("10.0.0.7"))
              .build();

      assertThatThrownBy(() -> TestBuild.run(engine, context, request))
          .isInstanceOfSatisfying(
              BuildFailedException.class,
              e -> assertThat(e.error().getKind()).isEqualTo(ErrorKind.ERROR_KIND_INVALID_INPUT));
    }
  }
}
