package dev.slipway.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.testing.BuilderProcess;
import dev.slipway.testing.Busybox;
import dev.slipway.testing.Command;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that asks a real builder process for {@code RUN --security=insecure}: a shared builder
 * (started without {@code --allow-insecure-entitlement}) refuses it even when the client passes
 * {@code --allow security.insecure}; a builder started allowing it runs the step privileged.
 */
class HostileInsecureRemoteBuildIT {
  private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();
  private static final String DOCKERFILE =
      "FROM "
          + Busybox.IN_REGISTRY
          + "\nRUN --security=insecure grep NoNewPrivs /proc/self/status && unshare -U -r true\n";

  @TempDir Path work;

  @Test
  void aSharedBuilderRefusesItEvenWhenTheClientAsks() throws Exception {
    Command.Running build = buildOn(Map.of());

    assertThat(build.await()).as(build.output()).isEqualTo(1);
    assertThat(build.output())
        .contains("Dockerfile:2:1: RUN --security=insecure")
        .contains("the build asks for it")
        .contains("the builder does not allow it")
        .contains("--allow-insecure-entitlement")
        .doesNotContain("NoNewPrivs:");
  }

  @Test
  void aBuilderStartedAllowingItRunsTheStepPrivileged() throws Exception {
    Command.Running build = buildOn(Map.of("SLIPWAY_ALLOW_INSECURE_ENTITLEMENT", "true"));

    assertThat(build.await()).as(build.output()).isZero();
    assertThat(build.output()).contains("NoNewPrivs:\t0");
  }

  /** Starts a builder with {@code env}, runs one client build with --allow against it. */
  private Command.Running buildOn(Map<String, String> env) throws Exception {
    Path token = Files.writeString(work.resolve("token"), "it-" + System.nanoTime() + "\n");
    Path context = Files.createDirectories(work.resolve("ctx"));
    Files.writeString(context.resolve("Dockerfile"), DOCKERFILE);
    try (BuilderProcess builder = BuilderProcess.start(REPO, work.resolve("state"), token, env)) {
      List<String> command =
          new ArrayList<>(
              List.of(
                  REPO.resolve("bin/slipway").toString(),
                  "build",
                  "--builder",
                  builder.address(),
                  "--token-file",
                  token.toString(),
                  "--progress",
                  "plain",
                  "--allow",
                  "security.insecure",
                  context.toString()));
      Command.Running build =
          Command.of(command)
              .env("DOCKER_CONFIG", Files.createDirectories(work.resolve("docker")).toString())
              .start(Files.createTempFile(work, "cli-", ".log"));
      build.await();
      return build;
    }
  }
}
