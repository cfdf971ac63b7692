package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code RUN --security=insecure} on the user's own machine ({@code --local}): refused with the
 * Dockerfile line and the switch to use, and privileged once the user passes {@code --allow
 * security.insecure}.
 */
class HostileInsecureBuildIT {
  @TempDir static Path state;
  @TempDir Path work;
  private static Slipway slipway;

  private static final String DOCKERFILE =
      "FROM "
          + Slipway.BASE
          + "\nRUN --security=insecure grep NoNewPrivs /proc/self/status && unshare -U -r true\n";

  @BeforeAll
  static void engine() {
    slipway = new Slipway(state);
  }

  @Test
  void withoutAllowTheStepIsRefusedAtItsLine() throws Exception {
    Path context = Slipway.context(work.resolve("ctx"), DOCKERFILE);

    CliRun build = slipway.run("build", "--progress=plain", "--no-cache", context.toString());

    assertThat(build.exitCode()).as(build.toString()).isEqualTo(1);
    assertThat(build.stderr())
        .contains("Dockerfile:2:1: RUN --security=insecure")
        .contains("--allow security.insecure")
        .contains("does not ask for it")
        .doesNotContain("NoNewPrivs:") // the step's output: it never ran
        .doesNotContain("\tat ");
  }

  @Test
  void withAllowTheStepRunsPrivileged() throws Exception {
    Path context = Slipway.context(work.resolve("ctx"), DOCKERFILE);

    CliRun build =
        slipway.run(
            "build",
            "--progress=plain",
            "--no-cache",
            "--allow",
            "security.insecure",
            context.toString());

    assertThat(build.exitCode()).as(build.toString()).isZero();
    assertThat(build.stderr()).contains("NoNewPrivs:\t0");
  }
}
