package dev.slipway.engine.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.content.CanonicalJson;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.MediaTypes;
import dev.slipway.engine.content.Platform;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlatformIndexTest {
  @TempDir Path dir;

  private static Descriptor manifest(String text, Platform platform) {
    return Descriptor.of(MediaTypes.OCI_MANIFEST, text.getBytes(StandardCharsets.UTF_8))
        .withPlatform(platform);
  }

  private static Descriptor attestation(Descriptor subject) {
    return Descriptor.of(
            MediaTypes.OCI_MANIFEST,
            ("att of " + subject.digest()).getBytes(StandardCharsets.UTF_8))
        .withPlatform(new Platform("unknown", "unknown", ""))
        .withAnnotation("vnd.docker.reference.digest", subject.digest().toString())
        .withAnnotation("vnd.docker.reference.type", "attestation-manifest");
  }

  @Test
  void platformManifestsComeFirstInRequestOrderThenTheAttestations() throws Exception {
    Descriptor arm = manifest("arm", Platform.parse("linux/arm64"));
    Descriptor amd = manifest("amd", Platform.parse("linux/amd64"));
    Descriptor armAtt = attestation(arm);
    Descriptor amdAtt = attestation(amd);
    ImageAnnotations annotations =
        new ImageAnnotations(
            Map.of("m", "manifest"),
            Map.of("d", "descriptor"),
            Map.of("org.opencontainers.image.title", "app"),
            Map.of());
    ContentStore content = ContentStore.open(dir.resolve("content"));
    Descriptor index =
        PlatformIndex.write(
            content,
            List.of(
                new PlatformIndex.Part(arm, List.of(armAtt)),
                new PlatformIndex.Part(amd, List.of(amdAtt))),
            annotations);
    assertThat(index.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
    JsonNode json = CanonicalJson.mapper().readTree(content.read(index.digest()));
    assertThat(json.get("schemaVersion").asInt()).isEqualTo(2);
    assertThat(json.get("mediaType").asText()).isEqualTo(MediaTypes.OCI_INDEX);
    assertThat(json.get("annotations").get("org.opencontainers.image.title").asText())
        .isEqualTo("app");
    List<String> digests = new ArrayList<>();
    json.get("manifests").forEach(m -> digests.add(m.get("digest").asText()));
    assertThat(digests)
        .containsExactly(
            arm.digest().toString(),
            amd.digest().toString(),
            armAtt.digest().toString(),
            amdAtt.digest().toString());
    JsonNode first = json.get("manifests").get(0);
    assertThat(first.get("mediaType").asText()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(first.get("platform").get("architecture").asText()).isEqualTo("arm64");
    assertThat(first.get("platform").has("variant")).isFalse();
    assertThat(first.get("annotations").get("d").asText())
        .as("manifest-descriptor annotations on the platform entries")
        .isEqualTo("descriptor");
    JsonNode att = json.get("manifests").get(2);
    assertThat(att.get("platform").get("os").asText()).isEqualTo("unknown");
    assertThat(att.get("annotations").get("vnd.docker.reference.type").asText())
        .isEqualTo("attestation-manifest");
    assertThat(att.get("annotations").has("d")).isFalse();
  }

  @Test
  void anIndexWithoutAnnotationsHasNoAnnotationsField() {
    byte[] json =
        PlatformIndex.of(
                List.of(
                    new PlatformIndex.Part(
                        manifest("a", Platform.parse("linux/amd64")), List.of())),
                ImageAnnotations.NONE)
            .toJson();
    assertThat(new String(json, StandardCharsets.UTF_8))
        .doesNotContain("annotations")
        .startsWith("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\"");
  }

  @Test
  void platformDirectoriesAreNamedAsBuildKitNamesThem() {
    assertThat(PlatformIndex.directory(Platform.parse("linux/amd64"))).isEqualTo("linux_amd64");
    assertThat(PlatformIndex.directory(Platform.parse("linux/arm64"))).isEqualTo("linux_arm64");
    assertThat(PlatformIndex.directory(Platform.parse("linux/arm/v7"))).isEqualTo("linux_arm_v7");
  }

  @Test
  void aTarOfSeveralPlatformsHasOneTopDirectoryEach() throws Exception {
    Path amd = Files.createDirectories(dir.resolve("amd/bin"));
    Files.writeString(amd.resolve("tool"), "x86");
    Path arm = Files.createDirectories(dir.resolve("arm/bin"));
    Files.writeString(arm.resolve("tool"), "arm");
    Map<String, Path> roots = new LinkedHashMap<>();
    roots.put("linux_amd64", amd.getParent());
    roots.put("linux_arm64", arm.getParent());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RootfsExporter.toTar(roots, out, Optional.empty());
    List<String> names = new ArrayList<>();
    Map<String, String> files = new LinkedHashMap<>();
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new java.io.ByteArrayInputStream(out.toByteArray()))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        names.add(e.getName());
        if (e.isFile()) {
          files.put(e.getName(), new String(tar.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
    }
    assertThat(names)
        .containsExactly(
            "linux_amd64/",
            "linux_amd64/bin/",
            "linux_amd64/bin/tool",
            "linux_arm64/",
            "linux_arm64/bin/",
            "linux_arm64/bin/tool");
    assertThat(files).containsEntry("linux_arm64/bin/tool", "arm");
  }
}
