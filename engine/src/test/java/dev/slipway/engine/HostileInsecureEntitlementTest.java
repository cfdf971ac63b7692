package dev.slipway.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.engine.job.BuildFailedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Dockerfile that asks for {@code RUN --security=insecure} on a shared builder: it runs
 * privileged only when the request carries the security.insecure entitlement and the builder was
 * started allowing it; otherwise the build fails before any step runs, at the RUN's line.
 */
class HostileInsecureEntitlementTest {
  @TempDir Path state;
  @TempDir Path context;
  @TempDir Path out;

  private static final String DOCKERFILE =
      """
      FROM 127.0.0.1:5000/busybox:latest
      RUN echo first-step-ran > /first
      RUN --security=insecure grep NoNewPrivs /proc/self/status > /status \\
          && unshare -U -r true && echo escaped > /escaped
      """;

  @Test
  void aDockerfileAloneCannotTurnTheSandboxOff() throws Exception {
    assertRefused(false, false, "does not ask for it", "does not allow it");
  }

  @Test
  void aRequestCannotTurnItOffOnABuilderThatDoesNotAllowIt() throws Exception {
    assertRefused(true, false, "the build asks for it", "does not allow it");
  }

  @Test
  void aBuilderThatAllowsItDoesNotTurnItOnForRequestsThatDoNotAskForIt() throws Exception {
    assertRefused(false, true, "does not ask for it", "the builder allows it");
  }

  @Test
  void anUnknownEntitlementIsRefused() throws Exception {
    Files.writeString(context.resolve("Dockerfile"), DOCKERFILE);
    try (Engine engine = Engine.open(EngineConfig.defaults(state).withInsecureEntitlement(true))) {
      SolveRequest request = TestBuild.request().addEntitlements("security.everything").build();

      assertThatThrownBy(() -> TestBuild.run(engine, context, request))
          .isInstanceOfSatisfying(
              BuildFailedException.class,
              e -> assertThat(e.error().getKind()).isEqualTo(ErrorKind.ERROR_KIND_INVALID_INPUT))
          .hasMessageContaining("unknown entitlement \"security.everything\"")
          .hasMessageContaining("security.insecure");
    }
  }

  @Test
  void withBothSwitchesTheStepRunsPrivileged() throws Exception {
    Files.writeString(context.resolve("Dockerfile"), DOCKERFILE);
    try (Engine engine = Engine.open(EngineConfig.defaults(state).withInsecureEntitlement(true))) {
      TestBuild.run(
          engine,
          context,
          TestBuild.request()
              .addEntitlements("security.insecure")
              .addOutputs(TestBuild.local(out))
              .build());
    }

    assertThat(Files.readString(out.resolve("status"))).isEqualTo("NoNewPrivs:\t0\n");
    assertThat(out.resolve("escaped")).exists();
  }

  private void assertRefused(
      boolean requested, boolean builderAllows, String requestPart, String builderPart)
      throws Exception {
    Files.writeString(context.resolve("Dockerfile"), DOCKERFILE);
    SolveRequest.Builder request = TestBuild.request().addOutputs(TestBuild.local(out));
    if (requested) {
      request.addEntitlements("security.insecure");
    }
    try (Engine engine =
        Engine.open(EngineConfig.defaults(state).withInsecureEntitlement(builderAllows))) {
      assertThatThrownBy(() -> TestBuild.run(engine, context, request.build()))
          .isInstanceOfSatisfying(
              BuildFailedException.class,
              e -> {
                assertThat(e.error().getKind()).isEqualTo(ErrorKind.ERROR_KIND_INVALID_INPUT);
                assertThat(e.error().getLocation().getRanges(0).getStartLine())
                    .as("the RUN --security=insecure line")
                    .isEqualTo(3);
              })
          .hasMessageContaining("security.insecure entitlement")
          .hasMessageContaining(requestPart)
          .hasMessageContaining(builderPart)
          .hasMessageContaining("slipway build --allow security.insecure")
          .hasMessageContaining("--allow-insecure-entitlement");
    }
    // refused before anything ran: not even the step before it
    assertThat(out).isEmptyDirectory();
    try (Stream<Path> files = Files.walk(state)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("files the steps would have written")
          .doesNotContain("first", "escaped", "status");
    }
  }
}
