package dev.slipway.engine.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.slipway.api.control.v1.Annotation;
import dev.slipway.api.control.v1.AnnotationLevel;
import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.api.control.v1.IndexAssembly;
import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.OutputType;
import dev.slipway.api.control.v1.PlatformResult;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.engine.Engine;
import dev.slipway.engine.EngineConfig;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.MediaTypes;
import dev.slipway.engine.content.Platform;
import dev.slipway.engine.image.ImageIndex;
import dev.slipway.engine.image.Manifest;
import dev.slipway.engine.job.BuildCancellation;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.session.LocalSession;
import dev.slipway.testing.TestRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * push-by-digest and index assembly on a real registry on loopback: images the engine builds and
 * pushes by digest (one per platform), assembled into one index and read back, and the hostile
 * parts an assembly must refuse.
 */
class IndexAssemblyTest {
  @TempDir static Path tmp;
  static TestRegistry registry;
  static Engine engine;
  static String amd64;
  static String arm64;

  @BeforeAll
  static void twoPlatformImagesPushedByDigest() throws Exception {
    assumeTrue(TestRegistry.available(), "needs Debian's docker-registry");
    registry = TestRegistry.anonymous(tmp.resolve("reg"));
    engine = Engine.open(EngineConfig.defaults(tmp.resolve("state")));
    amd64 = pushByDigest("linux/amd64", "app");
    arm64 = pushByDigest("linux/arm64", "app");
  }

  @AfterAll
  static void stop() throws Exception {
    if (engine != null) {
      engine.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  /** A FROM scratch image of {@code platform} (no RUN: nothing to emulate), pushed by digest. */
  static String pushByDigest(String platform, String repository) throws Exception {
    Path context = tmp.resolve("ctx-" + UUID.randomUUID());
    Files.createDirectories(context);
    Files.writeString(context.resolve("platform"), platform);
    EngineBuilds.Build build =
        EngineBuilds.run(
            engine,
            context,
            EngineBuilds.request("FROM scratch\nCOPY platform /platform\n")
                .addPlatforms(platform)
                .addOutputs(byDigest(registry.host() + "/" + repository)));
    return build.result().getRefs(0);
  }

  static Output byDigest(String name) {
    return Output.newBuilder()
        .setType(OutputType.OUTPUT_TYPE_IMAGE)
        .addNames(name)
        .setPush(true)
        .putAttrs("push-by-digest", "true")
        .build();
  }

  static Output push(String... names) {
    return Output.newBuilder()
        .setType(OutputType.OUTPUT_TYPE_IMAGE)
        .addAllNames(List.of(names))
        .setPush(true)
        .build();
  }

  record Assembled(BuildResult result, List<SolveEvent> events) {}

  static Assembled assemble(List<String> parts, Output... outputs) throws BuildFailedException {
    return assemble(parts, List.of(), outputs);
  }

  static Assembled assemble(List<String> parts, List<Annotation> annotations, Output... outputs)
      throws BuildFailedException {
    List<SolveEvent> events = new ArrayList<>();
    SolveRequest request =
        SolveRequest.newBuilder()
            .setBuildId("assemble-" + UUID.randomUUID())
            .setAssembleIndex(IndexAssembly.newBuilder().addAllParts(parts))
            .addAllOutputs(List.of(outputs))
            .addAllAnnotations(annotations)
            .build();
    try (LocalSession session = LocalSession.builder().build()) {
      return new Assembled(
          engine.solve(request, session, events::add, new BuildCancellation()), events);
    }
  }

  static String digestOf(String ref) {
    return ref.substring(ref.indexOf('@') + 1);
  }

  static JsonNode get(String path) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://" + registry.host() + "/v2/" + path))
                  .header("Accept", MediaTypes.OCI_INDEX + ", " + MediaTypes.OCI_MANIFEST)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return new ObjectMapper().readTree(response.body());
    }
  }

  @Test
  void pushByDigestWritesTheImageUnderItsDigestOnlyWithNoTag() throws Exception {
    String ref = pushByDigest("linux/amd64", "by-digest");
    assertThat(ref).matches(registry.host() + "/by-digest@sha256:[0-9a-f]{64}");
    JsonNode manifest = get("by-digest/manifests/" + digestOf(ref));
    assertThat(manifest.path("mediaType").asText()).isEqualTo(MediaTypes.OCI_MANIFEST);
    // no tag at all: not "latest", not anything (the registry knows the repository by its blobs)
    JsonNode tags = get("by-digest/tags/list");
    assertThat(tags.path("tags").isEmpty()).as(tags.toString()).isTrue();
  }

  @Test
  void pushByDigestRefusesANameWithATagBeforeBuilding() {
    assertThatThrownBy(
            () ->
                EngineBuilds.run(
                    engine,
                    tmp.resolve("ctx-tagged"),
                    EngineBuilds.request("FROM scratch\nRUN false\n")
                        .addOutputs(byDigest(registry.host() + "/app:1"))))
        .isInstanceOfSatisfying(
            BuildFailedException.class,
            e -> {
              assertThat(e.error().getKind()).isEqualTo(ErrorKind.ERROR_KIND_INVALID_INPUT);
              assertThat(e.getMessage())
                  .contains("cannot push " + registry.host() + "/app:1 by digest")
                  .contains("name=" + registry.host() + "/app");
            });
  }

  @Test
  void pushByDigestRefusesAValueThatIsNoBoolean() {
    Output output =
        byDigest(registry.host() + "/app").toBuilder().putAttrs("push-by-digest", "maybe").build();
    assertThatThrownBy(
            () ->
                EngineBuilds.run(
                    engine,
                    tmp.resolve("ctx-maybe"),
                    EngineBuilds.request("FROM scratch\n").addOutputs(output)))
        .hasMessageContaining("push-by-digest=maybe is not a boolean");
  }

  @Test
  void assemblesPartsPushedByDigestIntoOneIndexUnderEveryName() throws Exception {
    String tag = registry.host() + "/app:1";
    String other = registry.host() + "/elsewhere/app:1"; // another repository: blobs mounted
    Assembled assembled = assemble(List.of(amd64, arm64), push(tag, other));
    BuildResult result = assembled.result();
    String index = result.getImageDigest();
    assertThat(result.getRefsList()).containsExactly(tag + "@" + index, other + "@" + index);
    assertThat(result.getPlatformsList())
        .extracting(PlatformResult::getPlatform, PlatformResult::getDigest)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("linux/amd64", digestOf(amd64)),
            org.assertj.core.groups.Tuple.tuple("linux/arm64", digestOf(arm64)));
    assertThat(result.getPlatforms(0).getConfigDigest()).startsWith("sha256:");
    assertThat(assembled.events())
        .filteredOn(SolveEvent::hasVertex)
        .extracting(e -> e.getVertex().getName())
        .anyMatch(n -> n.startsWith("[assemble] pushing index " + tag));
    for (String path : List.of("app/manifests/1", "elsewhere/app/manifests/1")) {
      JsonNode read = get(path);
      assertThat(read.path("mediaType").asText()).isEqualTo(MediaTypes.OCI_INDEX);
      assertThat(read.path("manifests")).hasSize(2);
      assertThat(read.path("manifests").get(0).path("digest").asText()).isEqualTo(digestOf(amd64));
      assertThat(read.path("manifests").get(1).path("platform").path("architecture").asText())
          .isEqualTo("arm64");
    }
    // the other repository got every blob: its copy of the arm64 image is whole
    JsonNode arm = get("elsewhere/app/manifests/" + digestOf(arm64));
    for (JsonNode layer : arm.path("layers")) {
      assertThat(head("elsewhere/app/blobs/" + layer.path("digest").asText())).isEqualTo(200);
    }
  }

  @Test
  void putsTheRequestsIndexAndManifestDescriptorAnnotationsOnTheAssembledIndex() throws Exception {
    List<Annotation> annotations =
        List.of(
            annotation(AnnotationLevel.ANNOTATION_LEVEL_INDEX, "org.example.index", "whole"),
            annotation(AnnotationLevel.ANNOTATION_LEVEL_MANIFEST_DESCRIPTOR, "org.example.e", "x"));
    assemble(List.of(amd64, arm64), annotations, push(registry.host() + "/app:annotated"));

    JsonNode read = get("app/manifests/annotated");
    assertThat(read.path("annotations").path("org.example.index").asText()).isEqualTo("whole");
    assertThat(read.path("manifests")).hasSize(2);
    for (JsonNode entry : read.path("manifests")) {
      assertThat(entry.path("annotations").path("org.example.e").asText()).isEqualTo("x");
    }
  }

  private static Annotation annotation(AnnotationLevel level, String key, String value) {
    return Annotation.newBuilder().setLevel(level).setKey(key).setValue(value).build();
  }

  @Test
  void keepsTheAttestationManifestsOfAnIndexPart() throws Exception {
    String indexPart = pushIndexWithAttestation(digestOf(amd64));
    Assembled assembled = assemble(List.of(indexPart, arm64), push(registry.host() + "/app:att"));
    JsonNode read = get("app/manifests/att");
    assertThat(read.path("manifests")).hasSize(3);
    JsonNode attestation = read.path("manifests").get(2);
    assertThat(attestation.path("annotations").path("vnd.docker.reference.type").asText())
        .isEqualTo("attestation-manifest");
    assertThat(attestation.path("annotations").path("vnd.docker.reference.digest").asText())
        .isEqualTo(digestOf(amd64));
    assertThat(attestation.path("platform").path("os").asText()).isEqualTo("unknown");
    assertThat(assembled.result().getPlatforms(0).getAttestationDigest())
        .isEqualTo(attestation.path("digest").asText());
    assertThat(assembled.result().getPlatforms(1).getAttestationDigest()).isEmpty();
  }

  /** An index of the amd64 image and an attestation manifest about it, as BuildKit writes one. */
  static String pushIndexWithAttestation(String image) throws Exception {
    ContentStore content = ContentStore.open(tmp.resolve("seed-" + UUID.randomUUID()));
    RegistryClient client = new RegistryClient();
    ImageName source = ImageName.parse(registry.host() + "/app@" + image);
    byte[] imageBytes = client.manifest(source, image, RegistryAccess.anonymous());
    content.ingest(imageBytes);
    Manifest imageManifest = Manifest.parse(imageBytes, "test");
    client.fetchAll(
        source,
        concat(imageManifest.config(), imageManifest.layers()),
        content,
        RegistryAccess.anonymous());
    byte[] statement =
        "{\"_type\":\"https://in-toto.io/Statement/v0.1\"}".getBytes(StandardCharsets.UTF_8);
    content.ingest(statement);
    byte[] config = "{\"architecture\":\"unknown\",\"os\":\"unknown\"}".getBytes();
    content.ingest(config);
    Manifest attestation =
        Manifest.oci(
            Descriptor.of(MediaTypes.OCI_CONFIG, config),
            List.of(
                Descriptor.of("application/vnd.in-toto+json", statement)
                    .withAnnotation(
                        "in-toto.io/predicate-type", "https://slsa.dev/provenance/v1")));
    content.ingest(attestation.toJson());
    byte[] index =
        ImageIndex.oci(
                List.of(
                    Descriptor.of(MediaTypes.OCI_MANIFEST, imageBytes)
                        .withPlatform(Platform.parse("linux/amd64")),
                    attestation
                        .descriptor()
                        .withPlatform(new Platform("unknown", "unknown", ""))
                        .withAnnotations(
                            Map.of(
                                "vnd.docker.reference.type",
                                "attestation-manifest",
                                "vnd.docker.reference.digest",
                                image))))
            .toJson();
    content.ingest(index);
    Descriptor root = Descriptor.of(MediaTypes.OCI_INDEX, index);
    ImageName target = ImageName.parse(registry.host() + "/app@" + root.digest());
    client.push(target, root, content, List.of(), RegistryAccess.anonymous());
    client.close();
    return registry.host() + "/app@" + root.digest();
  }

  static List<Descriptor> concat(Descriptor first, List<Descriptor> rest) {
    List<Descriptor> all = new ArrayList<>(rest);
    all.add(first);
    return all;
  }

  static int head(String path) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://" + registry.host() + "/v2/" + path))
                  .method("HEAD", HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    }
  }

  // --- hostile parts

  @Test
  void refusesADigestTheRegistryDoesNotHave() {
    String missing = registry.host() + "/app@sha256:" + "0".repeat(64);
    assertThatThrownBy(() -> assemble(List.of(missing), push(registry.host() + "/app:x")))
        .hasMessageContaining("index part " + missing)
        .hasMessageContaining("has no manifest or index of that digest");
  }

  @Test
  void refusesAPartWhoseBytesAreNotThoseOfItsDigest() throws Exception {
    // a registry that answers every manifest request with the same (real) manifest
    byte[] manifest = get("app/manifests/" + digestOf(amd64)).toString().getBytes();
    HttpServer lying = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    lying.createContext(
        "/v2/",
        exchange -> {
          exchange.getResponseHeaders().add("Content-Type", MediaTypes.OCI_MANIFEST);
          exchange.sendResponseHeaders(200, manifest.length);
          exchange.getResponseBody().write(manifest);
          exchange.close();
        });
    lying.start();
    try {
      String host = "127.0.0.1:" + lying.getAddress().getPort();
      String part = host + "/app@sha256:" + "a".repeat(64);
      assertThatThrownBy(() -> assemble(List.of(part), push(host + "/app:1")))
          .hasMessageContaining("index part " + part)
          .hasMessageContaining("sent a manifest whose digest is");
    } finally {
      lying.stop(0);
    }
  }

  @Test
  void refusesTheDigestOfABlobInsteadOfAManifest() throws Exception {
    String layer =
        get("app/manifests/" + digestOf(amd64)).path("layers").get(0).path("digest").asText();
    assertThat(head("app/blobs/" + layer)).isEqualTo(200); // it is there, as a blob
    String part = registry.host() + "/app@" + layer;
    assertThatThrownBy(() -> assemble(List.of(part), push(registry.host() + "/app:x")))
        .hasMessageContaining("index part " + part)
        .hasMessageContaining("is it the digest of a blob");
  }

  @Test
  void refusesTwoPartsOfOnePlatform() throws Exception {
    String second = pushByDigest("linux/amd64", "app-two");
    assertThatThrownBy(
            () -> assemble(List.of(amd64, arm64, second), push(registry.host() + "/app:x")))
        .isInstanceOfSatisfying(
            BuildFailedException.class,
            e -> {
              assertThat(e.error().getKind()).isEqualTo(ErrorKind.ERROR_KIND_INVALID_INPUT);
              assertThat(e.getMessage()).contains("two parts are images for linux/amd64");
            });
    assertThat(get("app/manifests/x").has("errors")).isTrue(); // nothing pushed
  }

  @Test
  void refusesAPartInAnotherRegistryThanTheIndexBeforeReachingIt() {
    String foreign = "127.0.0.2:5999/app@" + digestOf(amd64);
    assertThatThrownBy(() -> assemble(List.of(amd64, foreign), push(registry.host() + "/app:x")))
        .hasMessageContaining("index part " + foreign + " is in the registry 127.0.0.2:5999")
        .hasMessageContaining("the index goes to " + registry.host());
  }

  @Test
  void refusesAPartWithoutDigestAndOutputsThatAreNotPushedImages() {
    assertThatThrownBy(
            () -> assemble(List.of(registry.host() + "/app:1"), push(registry.host() + "/app:x")))
        .hasMessageContaining("has no digest: give each part as NAME@sha256:");
    assertThatThrownBy(
            () ->
                assemble(
                    List.of(amd64),
                    Output.newBuilder()
                        .setType(OutputType.OUTPUT_TYPE_OCI)
                        .setDest(tmp.resolve("x.tar").toString())
                        .build()))
        .hasMessageContaining("writes only image outputs with push=true");
  }
}
