package dev.slipway.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.PlatformResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The --metadata-file document, --iidfile's id and the summary lines of a build that wrote an image
 * index, as buildx writes them for a multi-platform build.
 */
class BuildMetadataTest {
  private static final String INDEX = "sha256:" + "1".repeat(64);
  private static final String AMD64 = "sha256:" + "a".repeat(64);
  private static final String ARM64 = "sha256:" + "b".repeat(64);
  private static final String ATTESTATION = "sha256:" + "c".repeat(64);
  private static final String CONFIG = "sha256:" + "f".repeat(64);

  private static BuildResult index() {
    return BuildResult.newBuilder()
        .setImageDigest(INDEX)
        .setConfigDigest(CONFIG) // whatever a builder sends here, an index has no config
        .putMetadata("containerimage.digest", INDEX)
        .putMetadata("containerimage.config.digest", CONFIG)
        .putMetadata(
            "containerimage.descriptor",
            "{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"digest\":\""
                + INDEX
                + "\",\"size\":1234}")
        .putMetadata(
            "buildx.build.provenance/linux/amd64", "{\"buildType\":\"https://slipway.dev/b\"}")
        .putMetadata(
            "buildx.build.provenance/linux/arm64", "{\"buildType\":\"https://slipway.dev/b\"}")
        .addPlatforms(
            PlatformResult.newBuilder()
                .setPlatform("linux/amd64")
                .setDigest(AMD64)
                .setAttestationDigest(ATTESTATION))
        .addPlatforms(PlatformResult.newBuilder().setPlatform("linux/arm64").setDigest(ARM64))
        .build();
  }

  @Test
  void anIndexIsDescribedByItsOwnDigestAndDescriptorWithoutAConfig() throws Exception {
    JsonNode doc = new ObjectMapper().readTree(BuildMetadata.toJson(index(), "slipway-local/l0/x"));

    assertThat(doc.get("containerimage.digest").asText()).isEqualTo(INDEX);
    assertThat(doc.has("containerimage.config.digest")).isFalse();
    assertThat(doc.get("containerimage.descriptor").get("mediaType").asText())
        .isEqualTo("application/vnd.oci.image.index.v1+json");
    assertThat(doc.get("containerimage.descriptor").get("digest").asText()).isEqualTo(INDEX);
    assertThat(doc.get("buildx.build.provenance/linux/arm64").isObject())
        .as("each platform's provenance is an object, as buildx decodes it")
        .isTrue();
    assertThat(doc.get("buildx.build.provenance/linux/amd64").get("buildType").asText())
        .isEqualTo("https://slipway.dev/b");
    assertThat(doc.get("buildx.build.ref").asText()).isEqualTo("slipway-local/l0/x");
  }

  @Test
  void oneImageKeepsItsConfigDigestAsItsId() throws Exception {
    BuildResult single =
        BuildResult.newBuilder().setImageDigest(AMD64).setConfigDigest(CONFIG).build();
    JsonNode doc = new ObjectMapper().readTree(BuildMetadata.toJson(single, "r"));

    assertThat(doc.get("containerimage.config.digest").asText()).isEqualTo(CONFIG);
    assertThat(BuildMetadata.imageId(single)).isEqualTo(CONFIG);
    assertThat(BuildMetadata.imageId(index()))
        .as("buildx's --iidfile of an index")
        .isEqualTo(INDEX);
  }

  @Test
  void theSummaryNamesTheIndexAndEachPlatformsManifest() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ResultSummary.print(new PrintStream(out, true, StandardCharsets.UTF_8), index());

    assertThat(out.toString(StandardCharsets.UTF_8).lines())
        .containsExactly(
            "image index " + INDEX + " (2 platforms)",
            "  linux/amd64 " + AMD64 + " (attestations " + ATTESTATION + ")",
            "  linux/arm64 " + ARM64);
  }

  @Test
  void oneImageListedWithItsPlatformIsNoIndex() throws Exception {
    BuildResult single =
        BuildResult.newBuilder()
            .setImageDigest(AMD64)
            .setConfigDigest(CONFIG)
            .putMetadata(
                "containerimage.descriptor",
                "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
                    + AMD64
                    + "\",\"size\":500}")
            .addPlatforms(PlatformResult.newBuilder().setPlatform("linux/amd64").setDigest(AMD64))
            .build();
    assertThat(BuildMetadata.isIndex(single)).isFalse();
    assertThat(BuildMetadata.imageId(single)).isEqualTo(CONFIG);
    BuildResult attested =
        single.toBuilder()
            .setImageDigest(INDEX)
            .setPlatforms(0, single.getPlatforms(0).toBuilder().setAttestationDigest(ATTESTATION))
            .build();
    assertThat(BuildMetadata.isIndex(attested)).as("one platform with attestations").isTrue();
  }

  @Test
  void oneImageAddsNoSummary() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ResultSummary.print(
        new PrintStream(out, true, StandardCharsets.UTF_8),
        BuildResult.newBuilder().setImageDigest(AMD64).setConfigDigest(CONFIG).build());

    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }
}
