package dev.slipway.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.api.control.v1.Attestations;
import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.OutputType;
import dev.slipway.api.control.v1.PlatformResult;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.engine.content.CanonicalJson;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.MediaTypes;
import dev.slipway.engine.content.Platform;
import dev.slipway.engine.image.Manifest;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.testing.Busybox;
import dev.slipway.testing.MultiArchBusybox;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build for linux/amd64 and linux/arm64 from a real two-platform base image: the arm64 RUN runs
 * under QEMU user emulation, one index is pushed to the test registry, and each platform's layers
 * hold their own architecture's binaries.
 */
class MultiPlatformBuildTest {
  private static final String REGISTRY = "127.0.0.1:5000";
  private static final int EM_X86_64 = 62;
  private static final int EM_AARCH64 = 183;

  @TempDir Path state;
  @TempDir Path context;
  @TempDir Path out;

  @BeforeAll
  static void baseImage() throws Exception {
    // not assumed: a machine without emulation fails here, saying to run .ci/emulation.sh
    assertThat(MultiArchBusybox.available()).as("QEMU user emulation for arm64").isTrue();
    MultiArchBusybox.pushTo(REGISTRY);
  }

  @Test
  void twoPlatformsPushOneIndexWhoseImagesRunTheirOwnArchitecture() throws Exception {
    Files.writeString(
        context.resolve("Dockerfile"),
        """
        FROM %s
        ARG TARGETARCH
        RUN uname -m > /arch && echo "running on $(uname -m) for $TARGETARCH"
        COPY hello /hello
        """
            .formatted(MultiArchBusybox.INDEX));
    Files.writeString(context.resolve("hello"), "hi\n");
    String name = REGISTRY + "/slipway-test/multiplatform-" + UUID.randomUUID() + ":1";
    Path local = out.resolve("local");
    Path oci = out.resolve("image.oci");
    TestBuild.Recorded build;
    try (Engine engine = Engine.open(EngineConfig.defaults(state))) {
      build =
          TestBuild.run(
              engine,
              context,
              TestBuild.request()
                  .addPlatforms("linux/amd64")
                  .addPlatforms("linux/arm64")
                  .addOutputs(
                      Output.newBuilder()
                          .setType(OutputType.OUTPUT_TYPE_IMAGE)
                          .addNames(name)
                          .setPush(true))
                  .addOutputs(TestBuild.local(local))
                  .addOutputs(TestBuild.oci(oci))
                  .build());
    }
    BuildResult result = build.result();
    String repository = name.substring(REGISTRY.length() + 1, name.lastIndexOf(':'));
    byte[] indexBytes = get(repository, "manifests/1", MediaTypes.OCI_INDEX);
    assertThat(result.getImageDigest())
        .isEqualTo(Descriptor.of(MediaTypes.OCI_INDEX, indexBytes).digest().toString());
    assertThat(result.getMetadataOrThrow("containerimage.digest"))
        .isEqualTo(result.getImageDigest());
    JsonNode index = CanonicalJson.mapper().readTree(indexBytes);
    assertThat(index.get("mediaType").asText()).isEqualTo(MediaTypes.OCI_INDEX);
    assertThat(index.get("manifests")).hasSize(2);
    Map<String, Integer> machines = Map.of("amd64", EM_X86_64, "arm64", EM_AARCH64);
    Map<String, String> unames = Map.of("amd64", "x86_64", "arm64", "aarch64");
    List<String> order = new ArrayList<>();
    for (JsonNode entry : index.get("manifests")) {
      assertThat(entry.get("mediaType").asText()).isEqualTo(MediaTypes.OCI_MANIFEST);
      assertThat(entry.get("platform").get("os").asText()).isEqualTo("linux");
      String arch = entry.get("platform").get("architecture").asText();
      order.add(arch);
      Manifest manifest =
          Manifest.parse(
              get(repository, "manifests/" + entry.get("digest").asText(), MediaTypes.OCI_MANIFEST),
              "pushed manifest");
      JsonNode config =
          CanonicalJson.mapper()
              .readTree(get(repository, "blobs/" + manifest.config().digest(), "*/*"));
      assertThat(config.get("architecture").asText()).isEqualTo(arch);
      Map<String, byte[]> files = new HashMap<>();
      for (Descriptor layer : manifest.layers()) {
        files.putAll(untarGzip(get(repository, "blobs/" + layer.digest(), "*/*")));
      }
      assertThat(elfMachine(files.get("bin/busybox")))
          .as("e_machine of /bin/busybox in the %s image", arch)
          .isEqualTo(machines.get(arch));
      assertThat(new String(files.get("arch"), StandardCharsets.UTF_8).strip())
          .isEqualTo(unames.get(arch));
      assertThat(new String(files.get("hello"), StandardCharsets.UTF_8)).isEqualTo("hi\n");
      PlatformResult part =
          result.getPlatformsList().stream()
              .filter(p -> p.getPlatform().equals("linux/" + arch))
              .findFirst()
              .orElseThrow();
      assertThat(part.getDigest()).isEqualTo(entry.get("digest").asText());
      assertThat(part.getConfigDigest()).isEqualTo(manifest.config().digest().toString());
    }
    assertThat(order).containsExactly("amd64", "arm64");
    String logs = logs(build);
    assertThat(logs)
        .contains("running on aarch64 for arm64")
        .contains("running on x86_64 for amd64");
    assertThat(build.events().finalSteps().keySet())
        .anyMatch(n -> n.startsWith("[linux/arm64 ") && n.contains("RUN uname -m"))
        .anyMatch(n -> n.startsWith("[linux/amd64 ") && n.contains("RUN uname -m"));
    assertThat(result.getStepsTotal())
        .as("the image, RUN and COPY of each platform, and the context they share once")
        .isEqualTo(2 * 3 + 1);
    // as BuildKit: one provenance per platform, each with its platform and its base image
    assertThat(result.getMetadataMap()).doesNotContainKey("buildx.build.provenance");
    for (String platform : List.of("linux/amd64", "linux/arm64")) {
      JsonNode provenance =
          CanonicalJson.mapper()
              .readTree(result.getMetadataOrThrow("buildx.build.provenance/" + platform));
      assertThat(provenance.path("invocation").path("environment").path("platform").asText())
          .isEqualTo(platform);
      assertThat(provenance.path("materials")).hasSize(1);
    }

    // local: one directory per platform, as BuildKit names them
    assertThat(Files.readString(local.resolve("linux_amd64/arch")).strip()).isEqualTo("x86_64");
    assertThat(Files.readString(local.resolve("linux_arm64/arch")).strip()).isEqualTo("aarch64");
    assertThat(elfMachine(Files.readAllBytes(local.resolve("linux_arm64/bin/busybox"))))
        .isEqualTo(EM_AARCH64);

    // oci: the layout's index.json names the index, which lists both platforms
    Map<String, byte[]> layout = untar(Files.readAllBytes(oci));
    JsonNode top = CanonicalJson.mapper().readTree(layout.get("index.json")).get("manifests");
    assertThat(top).hasSize(1);
    assertThat(top.get(0).get("mediaType").asText()).isEqualTo(MediaTypes.OCI_INDEX);
    assertThat(top.get(0).get("digest").asText()).isEqualTo(result.getImageDigest());
    assertThat(layout.get("blobs/sha256/" + result.getImageDigest().substring(7)))
        .isEqualTo(indexBytes);
  }

  @Test
  void aStageOnTheBuildPlatformRunsOnceForAllPlatforms() throws Exception {
    String marker = "shared-" + UUID.randomUUID();
    Files.writeString(
        context.resolve("Dockerfile"),
        """
        FROM --platform=$BUILDPLATFORM %s AS tool
        ARG BUILDPLATFORM
        RUN echo "%s on $BUILDPLATFORM" && echo made > /tool
        FROM %s
        ARG TARGETPLATFORM
        COPY --from=tool /tool /tool
        RUN echo "$TARGETPLATFORM" > /target
        """
            .formatted(Busybox.IN_REGISTRY, marker, MultiArchBusybox.INDEX));
    Path local = out.resolve("local");
    TestBuild.Recorded build;
    try (Engine engine = Engine.open(EngineConfig.defaults(state))) {
      build =
          TestBuild.run(
              engine,
              context,
              TestBuild.request()
                  .addPlatforms("linux/amd64")
                  .addPlatforms("linux/arm64")
                  .addOutputs(TestBuild.local(local))
                  .build());
    }
    String logs = logs(build);
    assertThat(logs.split(marker, -1)).as("the shared RUN's output, once").hasSize(2);
    assertThat(build.result().getStepsTotal())
        .as("the tool stage's image and RUN once; each platform's image, COPY and RUN")
        .isEqualTo(2 + 2 * 3);
    assertThat(logs).contains(marker + " on " + Platform.host().toString().replace("/v8", ""));
    assertThat(Files.readString(local.resolve("linux_arm64/target")).strip())
        .isEqualTo("linux/arm64");
    assertThat(Files.readString(local.resolve("linux_amd64/target")).strip())
        .isEqualTo("linux/amd64");
    assertThat(Files.readString(local.resolve("linux_arm64/tool"))).isEqualTo("made\n");
    // one step for both platforms, named with the stage's platform: the build's own
    assertThat(build.events().step(marker).getName())
        .startsWith("[" + Platform.host().toString().replace("/v8", "") + " tool ");
  }

  @Test
  void aDockerArchiveOfTwoPlatformsIsRefusedAsBuildKitRefusesIt() throws Exception {
    Files.writeString(context.resolve("Dockerfile"), "FROM " + MultiArchBusybox.INDEX + "\n");
    try (Engine engine = Engine.open(EngineConfig.defaults(state))) {
      assertThatThrownBy(
              () ->
                  TestBuild.run(
                      engine,
                      context,
                      TestBuild.request()
                          .addPlatforms("linux/amd64")
                          .addPlatforms("linux/arm64")
                          .addOutputs(
                              Output.newBuilder()
                                  .setType(OutputType.OUTPUT_TYPE_DOCKER)
                                  .setDest(out.resolve("d.tar").toString()))
                          .build()))
          .isInstanceOf(BuildFailedException.class)
          .hasMessageContaining(
              "docker exporter does not currently support exporting manifest lists")
          .hasMessageContaining("type=oci");
      assertThat(out.resolve("d.tar")).doesNotExist();
    }
  }

  @Test
  void aRunForAnArchitectureWithoutEmulationFailsSayingWhatToInstall() throws Exception {
    Files.writeString(
        context.resolve("Dockerfile"), "FROM " + MultiArchBusybox.ARM64 + "\nRUN true\n");
    Path local = out.resolve("local");
    try (Engine engine = Engine.open(EngineConfig.defaults(state))) {
      assertThatThrownBy(
              () ->
                  TestBuild.run(
                      engine,
                      context,
                      TestBuild.request()
                          .addPlatforms("linux/mips64le") // no QEMU handler is ever known for it
                          .addOutputs(TestBuild.local(local))
                          .build()))
          .isInstanceOf(BuildFailedException.class)
          .hasMessageContaining("exec format error running an mips64le binary")
          .hasMessageContaining("qemu-user-static")
          .hasMessageContaining("binfmt_misc handlers with the F flag");
    }
    assertThat(local).doesNotExist();
  }

  @Test
  void aSinglePlatformImageWithAnAttestationBecomesAnIndex() throws Exception {
    Files.writeString(context.resolve("Dockerfile"), "FROM " + Busybox.IN_REGISTRY + "\n");
    Path oci = out.resolve("image.oci");
    List<Descriptor> made = new ArrayList<>();
    TestBuild.Recorded build;
    try (Engine engine =
        Engine.open(
            EngineConfig.defaults(state),
            content ->
                subject -> {
                  assertThat(Files.isRegularFile(subject.rootfs().resolve("bin/busybox"))).isTrue();
                  byte[] json =
                      ("{\"schemaVersion\":2,\"mediaType\":\""
                              + MediaTypes.OCI_MANIFEST
                              + "\",\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\","
                              + "\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\","
                              + "\"size\":2},\"layers\":[]}")
                          .getBytes(StandardCharsets.UTF_8);
                  content.ingest("{}".getBytes(StandardCharsets.UTF_8));
                  content.ingest(json);
                  Descriptor d =
                      Descriptor.of(MediaTypes.OCI_MANIFEST, json)
                          .withPlatform(new Platform("unknown", "unknown", ""))
                          .withAnnotation(
                              "vnd.docker.reference.digest",
                              subject.image().descriptor().digest().toString())
                          .withAnnotation("vnd.docker.reference.type", "attestation-manifest");
                  made.add(d);
                  return List.of(d);
                })) {
      build =
          TestBuild.run(
              engine,
              context,
              TestBuild.request()
                  .setAttestations(Attestations.newBuilder().setProvenanceMode("min"))
                  .addOutputs(TestBuild.oci(oci))
                  .build());
    }
    Map<String, byte[]> layout = untar(Files.readAllBytes(oci));
    String digest = build.result().getImageDigest();
    JsonNode index =
        CanonicalJson.mapper().readTree(layout.get("blobs/sha256/" + digest.substring(7)));
    assertThat(index.get("mediaType").asText()).isEqualTo(MediaTypes.OCI_INDEX);
    JsonNode manifests = index.get("manifests");
    assertThat(manifests).hasSize(2);
    assertThat(manifests.get(0).get("platform").get("os").asText()).isEqualTo("linux");
    assertThat(manifests.get(1).get("digest").asText())
        .isEqualTo(made.getFirst().digest().toString());
    assertThat(manifests.get(1).get("annotations").get("vnd.docker.reference.digest").asText())
        .isEqualTo(manifests.get(0).get("digest").asText());
    assertThat(build.result().getPlatforms(0).getAttestationDigest())
        .isEqualTo(made.getFirst().digest().toString());
  }

  private static String logs(TestBuild.Recorded build) {
    StringBuilder logs = new StringBuilder();
    for (SolveEvent e : build.events().all()) {
      if (e.hasLog()) {
        logs.append(e.getLog().getData().toStringUtf8());
      }
    }
    return logs.toString();
  }

  /** e_machine of an ELF file: the little-endian half-word at offset 18 of its header. */
  static int elfMachine(byte[] elf) {
    assertThat(elf).isNotNull();
    assertThat(new String(elf, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("ELF");
    assertThat(elf[5]).as("little-endian").isEqualTo((byte) 1);
    return (elf[18] & 0xff) | (elf[19] & 0xff) << 8;
  }

  private static byte[] get(String repository, String path, String accept) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<byte[]> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://" + REGISTRY + "/v2/" + repository + "/" + path))
                  .header("Accept", accept)
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(response.statusCode()).as("GET %s/%s", repository, path).isEqualTo(200);
      return response.body();
    }
  }

  private static Map<String, byte[]> untarGzip(byte[] blob) throws Exception {
    return untar(new GZIPInputStream(new ByteArrayInputStream(blob)).readAllBytes());
  }

  /** Regular files by path without a leading "./" or "/"; links are left out. */
  private static Map<String, byte[]> untar(byte[] tar) throws Exception {
    Map<String, byte[]> files = new HashMap<>();
    try (InputStream in = new ByteArrayInputStream(tar);
        TarArchiveInputStream entries = new TarArchiveInputStream(in)) {
      TarArchiveEntry e;
      while ((e = entries.getNextEntry()) != null) {
        if (e.isFile()) {
          files.put(
              e.getName().replaceFirst("^\\./", "").replaceFirst("^/", ""), entries.readAllBytes());
        }
      }
    }
    return files;
  }
}
