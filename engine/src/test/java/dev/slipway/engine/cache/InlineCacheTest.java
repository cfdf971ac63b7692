package dev.slipway.engine.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.content.CanonicalJson;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.content.InvalidContentException;
import dev.slipway.engine.content.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The inline cache in BuildKit's format: what it writes, and reading BuildKit's own. */
class InlineCacheTest {
  private static final Descriptor BASE = layer("base");
  private static final Descriptor RUN_A = layer("a");
  private static final Descriptor RUN_B = layer("b");
  private static final String K_BASE = key("base-image");
  private static final String K_A = key("a");
  private static final String K_B = key("b");

  private static String key(String s) {
    return Digest.of(s.getBytes(StandardCharsets.UTF_8)).toString();
  }

  private static Descriptor layer(String s) {
    return Descriptor.of(MediaTypes.OCI_LAYER_GZIP, s.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] config() {
    return ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
            + "\"diff_ids\":[\"sha256:d0\",\"sha256:d1\",\"sha256:d2\"]}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static final List<CacheManifest.Entry> ENTRIES =
      List.of(
          new CacheManifest.Entry(K_A, K_BASE, RUN_A, "sha256:d1"),
          new CacheManifest.Entry(K_B, K_A, RUN_B, "sha256:d2"));

  @Test
  void theCacheIsBuildKitsFieldBase64EncodedRecordsOnTheImagesLayers() throws Exception {
    byte[] written = InlineCache.write(config(), List.of(BASE, RUN_A, RUN_B), ENTRIES);

    JsonNode field = CanonicalJson.mapper().readTree(written).get("moby.buildkit.cache.v0");
    assertThat(field.isTextual()).isTrue();
    JsonNode records = CanonicalJson.mapper().readTree(Base64.getDecoder().decode(field.asText()));
    // as BuildKit: an array of records; the base image is a record without a result
    assertThat(records.isArray()).isTrue();
    assertThat(records.get(0).toString()).isEqualTo("{\"digest\":\"" + K_BASE + "\"}");
    assertThat(records.get(1).get("digest").asText()).isEqualTo(K_A);
    assertThat(records.get(1).get("layers").get(0).get("layer").asInt()).isEqualTo(1);
    assertThat(records.get(1).get("inputs").get(0).get(0).get("link").asInt()).isZero();
    assertThat(records.get(2).get("layers").get(0).get("layer").asInt()).isEqualTo(2);
    assertThat(records.get(2).get("inputs").get(0).get(0).get("link").asInt()).isEqualTo(1);
  }

  @Test
  void whatIsWrittenReadsBackAsTheSameSteps() throws Exception {
    byte[] written = InlineCache.write(config(), List.of(BASE, RUN_A, RUN_B), ENTRIES);

    assertThat(InlineCache.read(written, List.of(BASE, RUN_A, RUN_B), "image")).contains(ENTRIES);
    assertThat(InlineCache.read(config(), List.of(BASE, RUN_A, RUN_B), "image")).isEmpty();
  }

  @Test
  void buildKitsOwnInlineCacheIsReadWithoutErrorKeepingOnlyStepsOfOneInput() throws Exception {
    // BuildKit's shape (as v0.34 writes it): records only, createdAt, selectors, several inputs
    String buildkit =
        "[{\"digest\":\"sha256:s1\"},{\"digest\":\"sha256:s2\"},"
            + "{\"layers\":[{\"layer\":1,\"createdAt\":\"2026-01-01T00:00:00Z\"}],"
            + "\"digest\":\"sha256:merge\",\"inputs\":[[{\"link\":0}],[{\"link\":1}]]},"
            + "{\"layers\":[{\"layer\":1,\"createdAt\":\"2026-01-01T00:00:00Z\"}],"
            + "\"digest\":\"sha256:run\",\"inputs\":[[{\"selector\":\"sha256:sel\",\"link\":0}]]}"
            + "]";
    String config =
        "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:d0\",\"sha256:d1\"]},"
            + "\"moby.buildkit.cache.v0\":\""
            + Base64.getEncoder().encodeToString(buildkit.getBytes(StandardCharsets.UTF_8))
            + "\"}";

    assertThat(
            InlineCache.read(
                config.getBytes(StandardCharsets.UTF_8), List.of(BASE, RUN_A), "buildkit image"))
        .contains(List.of(new CacheManifest.Entry("sha256:run", "sha256:s1", RUN_A, "sha256:d1")));
  }

  @Test
  void anEntryWhoseLayerTheImageDoesNotCarryIsRefused() {
    assertThatThrownBy(() -> InlineCache.write(config(), List.of(BASE, RUN_A), ENTRIES))
        .isInstanceOf(InvalidContentException.class)
        .hasMessageContaining("a layer the image does not carry");
  }
}
