package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code slipway build --call=check|outline|targets[,format=json]} and {@code --check} through the
 * real launcher: buildx's text or JSON on standard output, nothing built, and buildx's exit status
 * (1 when a check finds something).
 */
class CallIT {
  @TempDir static Path state;
  @TempDir Path work;
  private static Slipway slipway;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @BeforeAll
  static void engine() {
    slipway = new Slipway(state);
  }

  @Test
  void checkPrintsTheWarningsUnderTheirCountAndExitsOne() throws Exception {
    Path context =
        Slipway.context(work.resolve("ctx"), "FROM scratch AS Base\nCOPY Dockerfile /\n");

    CliRun check = slipway.run("build", "--check", context.toString());
    CliRun call = slipway.run("build", "--call=check", context.toString());

    assertThat(check.exitCode()).as(check.toString()).isEqualTo(1);
    assertThat(check.stdout())
        .startsWith("Check complete, 1 warning has been found!\n")
        .contains(
            "WARNING: StageNameCasing - https://docs.docker.com/go/dockerfile/rule/stage-name-casing/\n"
                + "Stage name 'Base' should be lowercase\n"
                + "Dockerfile:1\n");
    assertThat(call.stdout()).isEqualTo(check.stdout());
    CliRun json = slipway.run("build", "--call=check,format=json", context.toString());
    assertThat(json.exitCode()).as(json.toString()).isEqualTo(1);
    JsonNode warning = MAPPER.readTree(json.stdout()).get("warnings").get(0);
    assertThat(warning.get("ruleName").asText()).isEqualTo("StageNameCasing");
    assertThat(warning.get("location").get("ranges").get(0).get("start").get("line").asInt())
        .isEqualTo(1);
  }

  @Test
  void aCleanCheckSaysSoAndTheBuildArgCanSkipARule() throws Exception {
    Path clean = Slipway.context(work.resolve("clean"), "FROM scratch\nCOPY Dockerfile /\n");
    CliRun check = slipway.run("build", "--check", clean.toString());
    assertThat(check.exitCode()).as(check.toString()).isZero();
    assertThat(check.stdout()).isEqualTo("Check complete, no warnings found.\n");

    Path skipped = Slipway.context(work.resolve("skipped"), "FROM scratch AS Base\n");
    CliRun arg =
        slipway.run(
            "build",
            "--check",
            "--build-arg",
            "BUILDKIT_DOCKERFILE_CHECK=skip=StageNameCasing",
            skipped.toString());
    assertThat(arg.exitCode()).as(arg.toString()).isZero();
  }

  @Test
  void outlineAndTargetsDescribeTheDockerfile() throws Exception {
    Path context =
        Slipway.context(
            work.resolve("outline"),
            "# VERSION the release\nARG VERSION=1.0\n# app builds the app\nFROM scratch AS app\n"
                + "ARG VERSION\nRUN --mount=type=secret,id=npmrc true\n");

    CliRun outline = slipway.run("build", "--call=outline", context.toString());
    assertThat(outline.exitCode()).as(outline.toString()).isZero();
    assertThat(outline.stdout())
        .isEqualTo(
            "TARGET:      app\nDESCRIPTION: builds the app\n\n"
                + "BUILD ARG   VALUE   DESCRIPTION\nVERSION     1.0     the release\n\n"
                + "SECRET   REQUIRED\nnpmrc    \n\n");
    CliRun targets = slipway.run("build", "--call", "targets,format=json", context.toString());
    assertThat(targets.exitCode()).as(targets.toString()).isZero();
    JsonNode target = MAPPER.readTree(targets.stdout()).get("targets").get(0);
    assertThat(target.get("name").asText()).isEqualTo("app");
    assertThat(target.get("default").asBoolean()).isTrue();
    assertThat(target.get("description").asText()).isEqualTo("builds the app");
  }
}
