package dev.slipway.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.api.control.v1.Annotation;
import dev.slipway.api.control.v1.AnnotationLevel;
import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.engine.content.CanonicalJson;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.testing.Busybox;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a build records about its image besides the layers: --annotation in the manifest and the OCI
 * index entry, FROM pinned to the digest the registry resolved, and buildx's metadata keys.
 */
class ImageMetadataExportTest {
  @TempDir Path state;
  @TempDir Path context;
  @TempDir Path out;

  @BeforeEach
  void dockerfile() throws Exception {
    Files.writeString(
        context.resolve("Dockerfile"),
        "FROM " + Busybox.IN_REGISTRY + "\nRUN echo built > /built\n");
  }

  private static Annotation annotation(AnnotationLevel level, String key, String value) {
    return Annotation.newBuilder().setLevel(level).setKey(key).setValue(value).build();
  }

  @Test
  void annotationsPinnedFromAndMetadataAreInTheOutputs() throws Exception {
    Path archive = out.resolve("image.tar");
    TestBuild.Recorded build;
    try (Engine engine = Engine.open(EngineConfig.defaults(state))) {
      build =
          TestBuild.run(
              engine,
              context,
              TestBuild.request()
                  .addOutputs(
                      TestBuild.oci(archive).toBuilder().addNames("example.test/app:1").build())
                  .addAnnotations(
                      annotation(
                          AnnotationLevel.ANNOTATION_LEVEL_MANIFEST,
                          "org.opencontainers.image.title",
                          "app"))
                  .addAnnotations(
                      annotation(
                          AnnotationLevel.ANNOTATION_LEVEL_MANIFEST_DESCRIPTOR,
                          "org.opencontainers.image.description",
                          "the app"))
                  .build());
    }
    Map<String, byte[]> files = untar(archive);
    JsonNode entry =
        CanonicalJson.mapper().readTree(files.get("index.json")).get("manifests").get(0);
    assertThat(entry.get("annotations").get("org.opencontainers.image.description").asText())
        .isEqualTo("the app");
    assertThat(entry.get("annotations").has("org.opencontainers.image.title")).isFalse();
    String digest = entry.get("digest").asText();
    JsonNode manifest =
        CanonicalJson.mapper().readTree(files.get("blobs/sha256/" + digest.substring(7)));
    assertThat(manifest.get("annotations").get("org.opencontainers.image.title").asText())
        .isEqualTo("app");
    assertThat(build.result().getImageDigest()).isEqualTo(digest);

    // BuildKit shows the base image pinned to what the registry resolved the tag to
    assertThat(build.events().step("FROM").getName())
        .endsWith("FROM " + Busybox.IN_REGISTRY + "@" + Busybox.MANIFEST);

    Map<String, String> metadata = build.result().getMetadataMap();
    JsonNode descriptor =
        CanonicalJson.mapper().readTree(metadata.get("containerimage.descriptor"));
    assertThat(descriptor.get("digest").asText()).isEqualTo(digest);
    assertThat(descriptor.get("mediaType").asText())
        .isEqualTo("application/vnd.oci.image.manifest.v1+json");
    assertThat(descriptor.get("platform").get("architecture").asText()).isNotEmpty();
    JsonNode material =
        CanonicalJson.mapper()
            .readTree(metadata.get("buildx.build.provenance"))
            .get("materials")
            .get(0);
    assertThat(material.get("uri").asText())
        .startsWith("pkg:docker/127.0.0.1:5000/busybox@latest?platform=linux%2F");
    assertThat("sha256:" + material.get("digest").get("sha256").asText())
        .isEqualTo(Busybox.MANIFEST);
  }

  @Test
  void indexAnnotationsAndHostileKeysOrValuesAreRefusedBeforeTheBuildRuns() throws Exception {
    try (Engine engine = Engine.open(EngineConfig.defaults(state))) {
      assertRefused(
          engine,
          annotation(AnnotationLevel.ANNOTATION_LEVEL_INDEX, "a.b", "c"),
          "index annotations not supported for single platform export");
      assertRefused(
          engine,
          annotation(AnnotationLevel.ANNOTATION_LEVEL_MANIFEST, "a.b", "line\nsecond"),
          "control character");
      assertRefused(
          engine,
          annotation(AnnotationLevel.ANNOTATION_LEVEL_MANIFEST, "bad key\u0007", "c"),
          "annotation key \"bad key?\" is not valid");
      assertRefused(
          engine,
          annotation(AnnotationLevel.ANNOTATION_LEVEL_MANIFEST, "a.b", "x".repeat(8193)),
          "longer than 8192");
    }
  }

  private void assertRefused(Engine engine, Annotation annotation, String message) {
    assertThatThrownBy(
            () ->
                TestBuild.run(
                    engine,
                    context,
                    TestBuild.request()
                        .addOutputs(TestBuild.oci(out.resolve("refused.tar")))
                        .addAnnotations(annotation)
                        .build()))
        .isInstanceOfSatisfying(
            BuildFailedException.class,
            e -> {
              assertThat(e.error().getKind()).isEqualTo(ErrorKind.ERROR_KIND_INVALID_INPUT);
              assertThat(e.getMessage()).contains(message);
            });
    assertThat(out.resolve("refused.tar")).doesNotExist();
  }

  private static Map<String, byte[]> untar(Path archive) throws Exception {
    Map<String, byte[]> files = new HashMap<>();
    try (InputStream in = Files.newInputStream(archive);
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        if (e.isFile()) {
          files.put(e.getName(), tar.readAllBytes());
        }
      }
    }
    return files;
  }
}
