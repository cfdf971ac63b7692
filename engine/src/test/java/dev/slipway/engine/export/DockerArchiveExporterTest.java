package dev.slipway.engine.export;

import static dev.slipway.engine.export.ExportTestSupport.entries;
import static dev.slipway.engine.export.ExportTestSupport.onPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.content.CanonicalJson;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.image.DockerArchiveManifest;
import dev.slipway.engine.image.Image;
import dev.slipway.engine.image.ImageArchiveImporter;
import dev.slipway.engine.image.ImageIndex;
import dev.slipway.engine.image.ImageStore;
import dev.slipway.engine.image.ImportRequest;
import dev.slipway.engine.image.Manifest;
import dev.slipway.testing.Busybox;
import dev.slipway.testing.Command;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerArchiveExporterTest {
  @TempDir Path tmp;
  ContentStore content;
  Image busybox;

  @BeforeEach
  void importBusybox() throws Exception {
    content = ContentStore.open(tmp.resolve("state/content"));
    ImageStore images = ImageStore.open(tmp.resolve("state/images"), content);
    busybox = new ImageArchiveImporter(images).importFrom(Busybox.ARCHIVE, ImportRequest.any());
  }

  @Test
  void writesTheDockerSaveLayoutWithUncompressedLayersNamedByDiffId() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new DockerArchiveExporter(content).export(busybox, List.of("busybox"), out);
    Map<String, byte[]> entries = entries(out.toByteArray());

    List<DockerArchiveManifest> manifest =
        CanonicalJson.mapper().readValue(entries.get("manifest.json"), new TypeReference<>() {});
    assertThat(manifest).hasSize(1);
    DockerArchiveManifest m = manifest.get(0);
    assertThat(m.repoTags()).containsExactly("busybox:latest");
    assertThat(Digest.of(entries.get(m.config()))).isEqualTo(Digest.parse(Busybox.CONFIG));
    String diffId = Digest.parse(Busybox.DIFF_ID).hex();
    assertThat(m.layers()).containsExactly("blobs/sha256/" + diffId);
    assertThat(Digest.of(entries.get(m.layers().get(0))).toString()).isEqualTo(Busybox.DIFF_ID);

    // the embedded OCI layout (what docker 25+ with containerd reads) is consistent too
    var index = ImageIndex.parse(entries.get("index.json"), "docker");
    var manifestBlob = entries.get("blobs/sha256/" + index.manifests().get(0).digest().hex());
    Manifest oci = Manifest.parse(manifestBlob, "docker");
    assertThat(oci.layers().get(0).digest().toString()).isEqualTo(Busybox.DIFF_ID);
    assertThat(oci.config().digest()).isEqualTo(Digest.parse(Busybox.CONFIG));
    assertThat(List.copyOf(entries.keySet())).isSorted();
  }

  @Test
  void roundTripsThroughTheImporter() throws Exception {
    Path archive = tmp.resolve("docker.tar");
    new DockerArchiveExporter(content).export(busybox, List.of("mybox:v2"), archive);
    ContentStore other = ContentStore.open(tmp.resolve("other/content"));
    ImageStore otherImages = ImageStore.open(tmp.resolve("other/images"), other);
    Image again = new ImageArchiveImporter(otherImages).importFrom(archive, ImportRequest.any());
    assertThat(again.configDescriptor().digest()).isEqualTo(Digest.parse(Busybox.CONFIG));
    assertThat(again.config().rootfs().diffIds()).containsExactly(Busybox.DIFF_ID);
    assertThat(otherImages.lookup("mybox:v2")).isPresent();
  }

  @Test
  void skopeoReadsItAsADockerArchive() throws Exception {
    assumeTrue(onPath("skopeo"), "skopeo is not installed");
    Path archive = tmp.resolve("docker.tar");
    new DockerArchiveExporter(content).export(busybox, List.of("mybox:v2"), archive);
    JsonNode inspect =
        CanonicalJson.mapper()
            .readTree(Command.of("skopeo", "inspect", "docker-archive:" + archive).output());
    assertThat(inspect.get("Layers").get(0).asText()).isEqualTo(Busybox.DIFF_ID);
    assertThat(inspect.get("Architecture").asText()).isEqualTo("amd64");
    assertThat(Files.size(archive)).isGreaterThan(1_000_000);
  }
}
