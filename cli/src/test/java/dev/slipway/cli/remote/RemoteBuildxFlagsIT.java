package dev.slipway.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.testing.BuilderProcess;
import dev.slipway.testing.Busybox;
import dev.slipway.testing.Command;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --shm-size, --ulimit and --annotation cross the gRPC request to a real {@code slipway-builder}
 * and take effect there: in the RUN step's sandbox and in the image it sends back.
 */
class RemoteBuildxFlagsIT {
  private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path shared;
  private static BuilderProcess builder;
  private static Path token;

  @TempDir Path work;

  @BeforeAll
  static void startBuilder() throws Exception {
    token = shared.resolve("token");
    Files.writeString(token, "it-" + System.nanoTime() + "\n");
    builder = BuilderProcess.start(REPO, shared.resolve("state"), token, Map.of());
  }

  @AfterAll
  static void stopBuilder() throws Exception {
    if (builder != null) {
      builder.close();
    }
  }

  @Test
  void runLimitsAndAnnotationsReachTheBuilder() throws Exception {
    Path context = Files.createDirectories(work.resolve("ctx"));
    Files.writeString(
        context.resolve("Dockerfile"),
        "FROM "
            + Busybox.IN_REGISTRY
            + "\nRUN df -k /dev/shm && echo \"nofile $(ulimit -Sn):$(ulimit -Hn)\"\n");
    Path archive = work.resolve("image.tar");

    Command.Running build =
        Command.of(
                REPO.resolve("bin/slipway").toString(),
                "build",
                "--builder",
                builder.address(),
                "--token-file",
                token.toString(),
                "--progress=plain",
                "--shm-size",
                "96m",
                "--ulimit",
                "nofile=900:1800",
                "--annotation",
                "manifest:org.example.remote=yes",
                "-o",
                "type=oci,dest=" + archive,
                context.toString())
            .env("SSH_AUTH_SOCK", null)
            .start(Files.createTempFile(work, "cli-", ".log"));

    assertThat(build.await()).as(build.output()).isZero();
    assertThat(build.output()).containsPattern("shm\\s+98304\\s").contains("nofile 900:1800");
    Command.Result raw =
        Command.of("skopeo", "inspect", "--raw", "oci-archive:" + archive).run().requireSuccess();
    JsonNode manifest = JSON.readTree(raw.stdout());
    assertThat(manifest.path("annotations").path("org.example.remote").asText()).isEqualTo("yes");
  }

  @Test
  void aUlimitTheBuilderRefusesFailsTheBuildWithItsReason() throws Exception {
    Path context = Files.createDirectories(work.resolve("refused"));
    Files.writeString(context.resolve("Dockerfile"), "FROM " + Busybox.IN_REGISTRY + "\n");

    Command.Running build =
        Command.of(
                List.of(
                    REPO.resolve("bin/slipway").toString(),
                    "build",
                    "--builder",
                    builder.address(),
                    "--token-file",
                    token.toString(),
                    "--progress=plain",
                    "--ulimit",
                    "maxfiles=1",
                    context.toString()))
            .env("SSH_AUTH_SOCK", null)
            .start(Files.createTempFile(work, "cli-", ".log"));

    assertThat(build.await()).as(build.output()).isEqualTo(1);
    assertThat(build.output()).contains("ulimit \"maxfiles\" is not known; use one of core");
  }
}
