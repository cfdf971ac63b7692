package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a build leaves behind: the OCI archive, --metadata-file, --iidfile, and stdin Dockerfiles.
 */
class BuildOutputsIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path state;
  @TempDir Path work;
  private static Slipway slipway;

  @BeforeAll
  static void engine() {
    slipway = new Slipway(state);
  }

  @Test
  void buildsTheExampleIntoAnOciArchiveThatSkopeoReads() throws Exception {
    Path archive = work.resolve("hello.oci.tar");
    Path metadata = work.resolve("metadata.json");
    Path iid = work.resolve("iid");

    CliRun build =
        slipway.run(
            "build",
            "--progress=quiet",
            "-t",
            "hello:it",
            "-o",
            "type=oci,dest=" + archive,
            "--metadata-file",
            metadata.toString(),
            "--iidfile",
            iid.toString(),
            "examples/hello");

    assertThat(build.exitCode()).as(build.toString()).isZero();
    CliRun inspect = Slipway.exec("skopeo", "inspect", "oci-archive:" + archive);
    assertThat(inspect.exitCode()).as(inspect.toString()).isZero();
    JsonNode image = JSON.readTree(inspect.stdout());
    assertThat(image.path("Labels").path("org.opencontainers.image.title").asText())
        .isEqualTo("hello");
    CliRun raw = Slipway.exec("skopeo", "inspect", "--raw", "oci-archive:" + archive);
    JsonNode manifest = JSON.readTree(raw.stdout());

    JsonNode meta = JSON.readTree(Files.readString(metadata));
    assertThat(meta.path("containerimage.digest").asText())
        .isEqualTo(image.path("Digest").asText())
        .startsWith("sha256:");
    assertThat(meta.path("containerimage.config.digest").asText())
        .isEqualTo(manifest.path("config").path("digest").asText())
        .startsWith("sha256:");
    assertThat(Files.readString(iid)).isEqualTo(manifest.path("config").path("digest").asText());
  }

  @Test
  void readsTheDockerfileFromStandardInputWhenTheContextIsADash() {
    String dockerfile = "FROM " + Slipway.BASE + "\nRUN echo built-from-stdin-$((6*7))\n";

    CliRun build =
        slipway.run(Map.of(), dockerfile, List.of("build", "--progress=plain", "--no-cache", "-"));

    assertThat(build.exitCode()).as(build.toString()).isZero();
    assertThat(build.stderr()).contains("built-from-stdin-42");
  }

  @Test
  void passesSecretsFromFilesAndFromTheEnvironmentToRunMounts() throws Exception {
    Path tokenFile = work.resolve("token.txt");
    Files.writeString(tokenFile, "file-secret-value");
    Path context =
        Slipway.context(
            work.resolve("ctx"),
            "FROM "
                + Slipway.BASE
                + "\n"
                // Upper-cased, so the log proves the values arrived without containing them.
                + "RUN --mount=type=secret,id=fromfile --mount=type=secret,id=fromenv \\\n"
                + "    echo $(tr a-z A-Z < /run/secrets/fromfile) $(tr a-z A-Z < /run/secrets/fromenv)\n");

    CliRun build =
        slipway.run(
            Map.of("IT_SECRET_VAR", "env-secret-value"),
            null,
            List.of(
                "build",
                "--progress=plain",
                "--no-cache",
                "--secret",
                "id=fromfile,src=" + tokenFile,
                "--secret",
                "id=fromenv,env=IT_SECRET_VAR",
                context.toString()));

    assertThat(build.exitCode()).as(build.toString()).isZero();
    assertThat(build.stderr())
        .contains("FILE-SECRET-VALUE ENV-SECRET-VALUE")
        .doesNotContain("file-secret-value")
        .doesNotContain("env-secret-value");
  }
}
