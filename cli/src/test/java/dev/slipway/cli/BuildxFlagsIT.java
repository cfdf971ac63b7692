package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.testing.Busybox;
import dev.slipway.testing.Command;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * buildx's flags through the real {@code bin/slipway}: {@code -q}, the metadata file's keys and
 * shapes, {@code --load} into a containerd of the test's own (this machine has no dockerd), and
 * what is refused with a usage error.
 */
class BuildxFlagsIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path state;
  @TempDir Path work;
  private static Slipway slipway;

  @BeforeAll
  static void engine() {
    slipway = new Slipway(state);
  }

  private Path context(String dockerfile) throws Exception {
    Path dir = Files.createDirectories(work.resolve("ctx"));
    Files.writeString(dir.resolve("Dockerfile"), dockerfile);
    return dir;
  }

  @Test
  void quietPrintsOnlyTheImageIdAndTheMetadataFileHasBuildxsKeys() throws Exception {
    Path context = context("FROM " + Slipway.BASE + "\nRUN echo quiet > /q\n");
    Path metadata = work.resolve("metadata.json");
    Path iid = work.resolve("iid");

    CliRun build =
        slipway.run(
            "build",
            "-q",
            "-t",
            "example.test/quiet:1",
            "-o",
            "type=oci,dest=" + work.resolve("image.tar"),
            "--metadata-file",
            metadata.toString(),
            "--iidfile",
            iid.toString(),
            context.toString());

    assertThat(build.exitCode()).as(build.toString()).isZero();
    assertThat(build.stdout()).isEqualTo(Files.readString(iid) + "\n");
    assertThat(build.stderr()).doesNotContain("RUN echo quiet");
    JsonNode meta = JSON.readTree(Files.readString(metadata));
    assertThat(meta.path("containerimage.descriptor").path("digest").asText())
        .isEqualTo(meta.path("containerimage.digest").asText())
        .startsWith("sha256:");
    assertThat(meta.path("containerimage.descriptor").path("size").asLong()).isPositive();
    assertThat(meta.path("image.name").asText()).isEqualTo("example.test/quiet:1");
    assertThat(meta.path("buildx.build.ref").asText()).matches("slipway-local/local0/[-0-9a-f]+");
    JsonNode material = meta.path("buildx.build.provenance").path("materials").get(0);
    assertThat("sha256:" + material.path("digest").path("sha256").asText())
        .isEqualTo(Busybox.MANIFEST);
  }

  @Test
  void loadPutsTheImageIntoContainerd() throws Exception {
    Path context = context("FROM " + Slipway.BASE + "\nRUN echo loaded > /l\n");
    Path dir = Files.createTempDirectory(Slipway.ROOT.resolve("cli/target"), "ctrd-");
    Path socket = dir.resolve("c.sock");
    Process containerd = startContainerd(dir, socket);
    try {
      Map<String, String> env = new HashMap<>();
      env.put("DOCKER_HOST", null);
      env.put("CONTAINERD_ADDRESS", socket.toString());
      env.put("CONTAINERD_NAMESPACE", "slipway-it");

      CliRun build =
          slipway.run(
              env,
              null,
              List.of(
                  "build",
                  "--progress=plain",
                  "--load",
                  "-t",
                  "example.test/loaded:1",
                  "--iidfile",
                  work.resolve("iid").toString(),
                  context.toString()));

      assertThat(build.exitCode()).as(build.toString()).isZero();
      Command.Result images =
          Command.of(
                  "ctr",
                  "--address",
                  socket.toString(),
                  "--namespace",
                  "slipway-it",
                  "images",
                  "ls")
              .run()
              .requireSuccess();
      assertThat(images.stdout()).contains("example.test/loaded:1");
      Command.Result config =
          Command.of(
                  "ctr",
                  "--address",
                  socket.toString(),
                  "--namespace",
                  "slipway-it",
                  "content",
                  "get",
                  Files.readString(work.resolve("iid")))
              .run()
              .requireSuccess();
      assertThat(JSON.readTree(config.stdout()).path("history").toString())
          .contains("echo loaded > /l");
    } finally {
      containerd.destroy(); // the one process this test started
      if (!containerd.waitFor(30, TimeUnit.SECONDS)) {
        containerd.destroyForcibly();
      }
    }
  }

  @Test
  void loadIntoSomethingThatIsNotASocketIsAUsageError() throws Exception {
    Path context = context("FROM " + Slipway.BASE + "\n");
    Path notASocket = Files.writeString(work.resolve("plain-file"), "");
    Map<String, String> env = new HashMap<>();
    env.put("DOCKER_HOST", null);
    env.put("CONTAINERD_ADDRESS", notASocket.toString());

    CliRun build = slipway.run(env, null, List.of("build", "--load", context.toString()));

    assertThat(build.exitCode()).as(build.toString()).isEqualTo(2);
    assertThat(build.stderr()).contains(notASocket + " is not a socket");
  }

  @Test
  void badAnnotationUlimitAndShmSizeValuesAreUsageErrors() throws Exception {
    Path context = context("FROM " + Slipway.BASE + "\n");
    assertUsageError(context, List.of("--annotation", "novalue"), "expected [TYPE:]KEY=VALUE");
    assertUsageError(
        context, List.of("--annotation", "bogus:k.v=1"), "unknown type bogus; use manifest");
    assertUsageError(context, List.of("--ulimit", "nofile=1:2:3"), "too many limits");
    assertUsageError(context, List.of("--ulimit", "nofile=lots"), "whole numbers");
    assertUsageError(context, List.of("--shm-size", "huge"), "expected a size such as 128m");
  }

  private void assertUsageError(Path context, List<String> flags, String message) {
    List<String> args = new java.util.ArrayList<>(List.of("build"));
    args.addAll(flags);
    args.add(context.toString());
    CliRun build = slipway.run(Map.of(), null, args);
    assertThat(build.exitCode()).as(build.toString()).isEqualTo(2);
    assertThat(build.stderr()).contains(message);
  }

  /** containerd with its own root, state and socket under {@code dir}; no CRI. */
  private static Process startContainerd(Path dir, Path socket) throws Exception {
    Path config = dir.resolve("config.toml");
    Files.writeString(
        config,
        """
        version = 2
        root = "%s/root"
        state = "%s/state"
        disabled_plugins = ["io.containerd.grpc.v1.cri"]
        [grpc]
          address = "%s"
        [ttrpc]
          address = "%s.ttrpc"
        """
            .formatted(dir, dir, socket, socket));
    Process p =
        new ProcessBuilder("containerd", "--config", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("containerd.log").toFile())
            .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!Files.exists(socket)) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new AssertionError(
            "containerd did not start:\n" + Files.readString(dir.resolve("containerd.log")));
      }
      Thread.sleep(100);
    }
    return p;
  }
}
