package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code slipway history --local}: builds with bin/slipway record into the state directory, and the
 * history commands read them back as a person would.
 */
class HistoryIT {
  @TempDir static Path state;
  @TempDir Path work;
  private static Slipway slipway;
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void engine() {
    slipway = new Slipway(state);
  }

  @Test
  void buildsAreListedInspectedReplayedAndRemoved() throws Exception {
    String marker = "history-" + System.nanoTime();
    Path ok =
        Slipway.context(
            work.resolve("okapp"),
            "FROM "
                + Slipway.BASE
                + "\nRUN echo "
                + marker
                + " > /f && echo said-"
                + marker
                + "\n");
    Path metadata = work.resolve("metadata.json");
    String image = "127.0.0.1:5000/slipway-history-it:" + marker;
    CliRun first =
        slipway.run(
            "build",
            "--progress=plain",
            "-t",
            image,
            "--push",
            "--metadata-file",
            metadata.toString(),
            ok.toString());
    assertThat(first.exitCode()).as(first.toString()).isZero();
    String digest =
        JSON.readTree(Files.readString(metadata)).path("containerimage.digest").asText();
    assertThat(digest).startsWith("sha256:");
    CliRun again = slipway.run("build", "--progress=plain", "-t", image, "--push", ok.toString());
    assertThat(again.exitCode()).as(again.toString()).isZero();
    Path bad =
        Slipway.context(
            work.resolve("badapp"), "FROM " + Slipway.BASE + "\nRUN echo last-words && exit 3\n");
    CliRun failed = slipway.run("build", "--progress=plain", bad.toString());
    assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);

    CliRun ls = slipway.run("history", "ls", "--local");
    assertThat(ls.exitCode()).as(ls.toString()).isZero();
    assertThat(ls.stdout().lines().findFirst().orElseThrow())
        .contains("BUILD ID", "NAME", "STATUS", "CREATED AT", "DURATION", "CACHED");
    assertThat(ls.stdout()).contains("okapp", "badapp", "Completed", "Error");

    JsonNode records = json(slipway.run("history", "ls", "--local", "--format", "json"));
    assertThat(records.size()).isEqualTo(3);
    JsonNode newest = records.get(0);
    JsonNode rebuild = records.get(1);
    JsonNode original = records.get(2);
    assertThat(newest.path("name").asText()).isEqualTo("badapp");
    assertThat(newest.path("state").asText()).isEqualTo("BUILD_STATE_FAILED");
    assertThat(original.path("imageDigest").asText()).isEqualTo(digest);
    assertThat(original.path("stepsExecuted").asInt()).isPositive();
    // the rebuild took the FROM and the RUN from the cache (export and push still ran)
    assertThat(rebuild.path("stepsCached").asInt())
        .isGreaterThan(original.path("stepsCached").asInt(0));
    // a cold state also pulled the base image, a step of its own that the rebuild has not
    assertThat(rebuild.path("stepsTotal").asInt())
        .isEqualTo(original.path("stepsTotal").asInt() - pullSteps(original));
    assertThat(runStepState(rebuild)).isEqualTo("VERTEX_STATE_CACHED");
    assertThat(runStepState(original)).isEqualTo("VERTEX_STATE_DONE");

    CliRun inspectFailed = slipway.run("history", "inspect", "--local");
    assertThat(inspectFailed.exitCode()).as(inspectFailed.toString()).isZero();
    assertThat(inspectFailed.stdout())
        .contains("Status:        Error")
        .containsPattern("Failing Step: +\\[2/2\\] RUN echo last-words && exit 3")
        .contains("Exit Code:     3")
        .contains("  last-words");

    String prefix = original.path("buildId").asText().substring(0, 8);
    JsonNode inspected =
        json(slipway.run("history", "inspect", "--local", prefix, "--format", "json"));
    assertThat(inspected.path("imageDigest").asText()).isEqualTo(digest);
    assertThat(inspected.path("steps").size()).isGreaterThanOrEqualTo(2);
    CliRun pretty = slipway.run("history", "inspect", "--local", "^2");
    assertThat(pretty.stdout()).contains("Cache Hits:    ").contains("Digest:        " + digest);

    CliRun logs = slipway.run("history", "logs", "--local", "^2");
    assertThat(logs.exitCode()).as(logs.toString()).isZero();
    assertThat(logs.stdout()).contains("RUN echo " + marker).contains("said-" + marker);

    CliRun unknown = slipway.run("history", "inspect", "--local", "no-such-build");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.stderr()).contains("no finished build no-such-build", "slipway history ls");

    CliRun rm = slipway.run("history", "rm", "--local", "^0");
    assertThat(rm.exitCode()).as(rm.toString()).isZero();
    assertThat(rm.stdout().strip()).isEqualTo(newest.path("buildId").asText());
    assertThat(json(slipway.run("history", "ls", "--local", "--format", "json")).size())
        .isEqualTo(2);
    assertThat(slipway.run("history", "rm", "--local", "--all").exitCode()).isZero();
    assertThat(json(slipway.run("history", "ls", "--local", "--format", "json")).size()).isZero();
  }

  private static int pullSteps(JsonNode listed) throws Exception {
    int pulls = 0;
    for (JsonNode step : inspect(listed).path("steps")) {
      if (step.path("name").asText().startsWith("pulling ")) {
        pulls++;
      }
    }
    return pulls;
  }

  private static JsonNode inspect(JsonNode listed) throws Exception {
    return json(
        slipway.run(
            "history", "inspect", "--local", listed.path("buildId").asText(), "--format", "json"));
  }

  private static String runStepState(JsonNode listed) throws Exception {
    JsonNode record = inspect(listed);
    for (JsonNode step : record.path("steps")) {
      if (step.path("name").asText().contains("RUN echo")) {
        return step.path("state").asText();
      }
    }
    throw new AssertionError("no RUN step in " + record);
  }

  private static JsonNode json(CliRun run) throws Exception {
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return JSON.readTree(run.stdout());
  }
}
