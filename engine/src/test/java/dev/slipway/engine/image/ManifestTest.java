package dev.slipway.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.engine.content.CanonicalJson;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.content.InvalidContentException;
import dev.slipway.engine.content.MediaTypes;
import dev.slipway.engine.content.Platform;
import dev.slipway.testing.Busybox;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ManifestTest {
  private static final String OCI_MANIFEST =
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
          + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
          + "\"digest\":\"sha256:8c49f5ed4d52f57af8ea39743955876e4cbc125bfd1f44f6d44dad77f15eda6a\","
          + "\"size\":419},\"layers\":[{\"mediaType\":"
          + "\"application/vnd.oci.image.layer.v1.tar+gzip\","
          + "\"digest\":\"sha256:c57f3477a3efbf8cdf63e823526b3e88b70d096636e2b2859c7361f1f2630b0e\","
          + "\"size\":1068885}]}";

  @Test
  void reserializesAGoWrittenManifestToTheSameBytes() throws Exception {
    byte[] original = OCI_MANIFEST.getBytes(StandardCharsets.UTF_8);
    Manifest m = Manifest.parse(original, "test");
    assertThat(m.layers()).singleElement().satisfies(l -> assertThat(l.size()).isEqualTo(1068885));
    assertThat(m.toJson()).isEqualTo(original);
    assertThat(m.descriptor().digest()).isEqualTo(Digest.parse(Busybox.MANIFEST));
  }

  @Test
  void readsDockerSchema2ManifestsAndManifestLists() throws Exception {
    String docker =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + MediaTypes.DOCKER_MANIFEST
            + "\",\"config\":{\"mediaType\":\""
            + MediaTypes.DOCKER_CONFIG
            + "\",\"size\":7023,\"digest\":\""
            + Busybox.CONFIG
            + "\"},\"layers\":[{\"mediaType\":\""
            + MediaTypes.DOCKER_LAYER_GZIP
            + "\",\"size\":32654,\"digest\":\""
            + Busybox.LAYER
            + "\"}]}";
    Manifest m = Manifest.parse(docker.getBytes(StandardCharsets.UTF_8), "docker");
    assertThat(m.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
    assertThat(m.config().digest()).isEqualTo(Digest.parse(Busybox.CONFIG));

    String list =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + MediaTypes.DOCKER_MANIFEST_LIST
            + "\",\"manifests\":[{\"mediaType\":\""
            + MediaTypes.DOCKER_MANIFEST
            + "\",\"size\":7143,\"digest\":\""
            + Busybox.MANIFEST
            + "\",\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v7\","
            + "\"os.features\":[\"x\"]}}]}";
    ImageIndex index = ImageIndex.parse(list.getBytes(StandardCharsets.UTF_8), "list");
    assertThat(index.manifests().get(0).platform()).isEqualTo(Platform.parse("linux/arm/v7"));
    assertThat(new String(index.toJson(), StandardCharsets.UTF_8))
        .contains("\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v7\"}");
  }

  @Test
  void rejectsWhatIsNotASchema2Manifest() {
    assertThatThrownBy(() -> Manifest.parse("{\"schemaVersion\":1}".getBytes(), "old.tar"))
        .isInstanceOf(InvalidContentException.class)
        .hasMessageContaining("old.tar")
        .hasMessageContaining("schemaVersion 1");
    assertThatThrownBy(() -> Manifest.parse("not json".getBytes(), "junk"))
        .isInstanceOf(InvalidContentException.class)
        .hasMessageContaining("manifest in junk");
    String index =
        "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[]}";
    assertThatThrownBy(() -> Manifest.parse(index.getBytes(), "x"))
        .hasMessageContaining("not an image manifest");
  }

  @Test
  void anImageConfigDigestIsStableAcrossSerializations() {
    ImageConfig config =
        ImageConfig.scratch(Platform.parse("linux/amd64"))
            .withLayer(Busybox.DIFF_ID, new HistoryEntry(null, "COPY . /", null, null, false));
    byte[] first = CanonicalJson.write(config);
    byte[] second = CanonicalJson.write(config);
    assertThat(Digest.of(first)).isEqualTo(Digest.of(second));
    assertThat(new String(first, StandardCharsets.UTF_8))
        .startsWith("{\"architecture\":\"amd64\",\"os\":\"linux\",");
  }
}
