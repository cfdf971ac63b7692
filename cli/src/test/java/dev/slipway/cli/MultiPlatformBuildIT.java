package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.testing.MultiArchBusybox;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code slipway build --local --platform linux/amd64,linux/arm64 --push} through the real {@code
 * bin/slipway}: one RUN per platform (the arm64 one under QEMU), one index pushed under the tag,
 * its digest and each platform's in the summary and the metadata file.
 */
class MultiPlatformBuildIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path state;
  @TempDir Path work;
  private static Slipway slipway;

  @BeforeAll
  static void baseImage() throws Exception {
    assertThat(MultiArchBusybox.available())
        .as("QEMU's aarch64 binfmt handler and the arm64 busybox: run .ci/emulation.sh")
        .isTrue();
    MultiArchBusybox.pushTo("127.0.0.1:5000");
    slipway = new Slipway(state);
  }

  @Test
  void twoPlatformsRunTheirOwnArchitectureAndPushOneIndex() throws Exception {
    String repo = "slipway-test/cli-multi-" + UUID.randomUUID().toString().substring(0, 8);
    String tag = "127.0.0.1:5000/" + repo + ":1";
    Path context =
        Slipway.context(
            work.resolve("ctx"),
            "FROM "
                + MultiArchBusybox.INDEX
                + "\nARG TARGETPLATFORM\nRUN echo \"arch of $TARGETPLATFORM: $(uname -m)\"\n");
    Path metadata = work.resolve("meta.json");
    Path iid = work.resolve("iid");

    CliRun build =
        slipway.run(
            "build",
            "--local",
            "--progress",
            "plain",
            "--platform",
            "linux/amd64,linux/arm64",
            "--push",
            "-t",
            tag,
            "--metadata-file",
            metadata.toString(),
            "--iidfile",
            iid.toString(),
            context.toString());

    assertThat(build.exitCode()).as(build.toString()).isZero();
    assertThat(build.stderr())
        .contains("arch of linux/amd64: x86_64")
        .contains("arch of linux/arm64: aarch64");
    JsonNode meta = JSON.readTree(Files.readString(metadata));
    String index = meta.path("containerimage.digest").asText();
    assertThat(index).startsWith("sha256:");
    assertThat(meta.path("containerimage.descriptor").path("mediaType").asText())
        .isEqualTo("application/vnd.oci.image.index.v1+json");
    assertThat(meta.path("containerimage.descriptor").path("digest").asText()).isEqualTo(index);
    assertThat(meta.has("containerimage.config.digest")).as("an index has no config").isFalse();
    assertThat(Files.readString(iid)).isEqualTo(index);

    // the tag names the index, which lists one manifest per platform, as the summary says
    JsonNode pushed = JSON.readTree(get("/v2/" + repo + "/manifests/1"));
    assertThat(pushed.path("mediaType").asText())
        .isEqualTo("application/vnd.oci.image.index.v1+json");
    List<String> platforms = new ArrayList<>();
    for (JsonNode m : pushed.path("manifests")) {
      String platform =
          m.path("platform").path("os").asText()
              + "/"
              + m.path("platform").path("architecture").asText();
      platforms.add(platform);
      assertThat(build.stderr()).contains("  " + platform + " " + m.path("digest").asText());
    }
    assertThat(platforms).containsExactly("linux/amd64", "linux/arm64");
    assertThat(build.stderr()).contains("image index " + index + " (2 platforms)");
  }

  private static String get(String path) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:5000" + path))
                    .header(
                        "Accept",
                        "application/vnd.oci.image.index.v1+json,"
                            + "application/vnd.docker.distribution.manifest.list.v2+json")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path).isEqualTo(200);
    return response.body();
  }
}
