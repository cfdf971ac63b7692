package dev.slipway.engine.export;

import static dev.slipway.engine.export.ExportTestSupport.entries;
import static dev.slipway.engine.export.ExportTestSupport.onPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.content.CanonicalJson;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.image.Annotations;
import dev.slipway.engine.image.Image;
import dev.slipway.engine.image.ImageArchiveImporter;
import dev.slipway.engine.image.ImageIndex;
import dev.slipway.engine.image.ImageStore;
import dev.slipway.engine.image.ImportRequest;
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

class OciArchiveExporterTest {
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
  void roundTripsThroughAnOciArchive() throws Exception {
    Path archive = tmp.resolve("out/busybox.tar");
    new OciArchiveExporter(content)
        .export(busybox.descriptor(), List.of("docker.io/library/busybox:1.36"), archive);

    ContentStore other = ContentStore.open(tmp.resolve("other/content"));
    ImageStore otherImages = ImageStore.open(tmp.resolve("other/images"), other);
    Image again = new ImageArchiveImporter(otherImages).importFrom(archive, ImportRequest.any());
    assertThat(again.descriptor().digest()).isEqualTo(Digest.parse(Busybox.MANIFEST));
    assertThat(otherImages.lookup("docker.io/library/busybox:1.36")).isPresent();
    try (var files = Files.list(archive.getParent())) {
      assertThat(files).containsExactly(archive); // no temp file left beside it
    }
  }

  @Test
  void writesADeterministicSortedLayoutWithNamedIndexEntries() throws Exception {
    OciArchiveExporter exporter = new OciArchiveExporter(content);
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    exporter.export(busybox.descriptor(), List.of("registry:5000/team/app:v1"), first);
    ByteArrayOutputStream second = new ByteArrayOutputStream();
    exporter.export(busybox.descriptor(), List.of("registry:5000/team/app:v1"), second);
    assertThat(first.toByteArray()).isEqualTo(second.toByteArray());

    Map<String, byte[]> entries = entries(first.toByteArray());
    assertThat(entries.keySet())
        .containsExactly(
            "blobs/",
            "blobs/sha256/",
            "blobs/sha256/" + Digest.parse(Busybox.CONFIG).hex(),
            "blobs/sha256/" + Digest.parse(Busybox.LAYER).hex(),
            "blobs/sha256/" + Digest.parse(Busybox.MANIFEST).hex(),
            "index.json",
            "oci-layout");
    ImageIndex index = ImageIndex.parse(entries.get("index.json"), "export");
    assertThat(index.manifests())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.digest()).isEqualTo(Digest.parse(Busybox.MANIFEST));
              assertThat(d.annotations())
                  .containsEntry(Annotations.REF_NAME, "v1")
                  .containsEntry(Annotations.CONTAINERD_IMAGE_NAME, "registry:5000/team/app:v1");
            });
    assertThat(new String(entries.get("oci-layout"))).contains("\"imageLayoutVersion\":\"1.0.0\"");
  }

  @Test
  void skopeoAcceptsTheArchive() throws Exception {
    assumeTrue(onPath("skopeo"), "skopeo is not installed");
    Path archive = tmp.resolve("busybox.tar");
    new OciArchiveExporter(content).export(busybox.descriptor(), List.of("busybox:1"), archive);
    JsonNode inspect =
        CanonicalJson.mapper()
            .readTree(Command.of("skopeo", "inspect", "oci-archive:" + archive).output());
    assertThat(inspect.get("Digest").asText()).isEqualTo(Busybox.MANIFEST);
    assertThat(inspect.get("Architecture").asText()).isEqualTo("amd64");
    assertThat(inspect.get("Layers").get(0).asText()).isEqualTo(Busybox.LAYER);
  }

  @Test
  void extendsALayoutDirectoryThatSkopeoReads() throws Exception {
    Path dir = tmp.resolve("layout");
    OciLayoutDirectoryExporter exporter = new OciLayoutDirectoryExporter(content);
    exporter.export(busybox.descriptor(), List.of("example/a:one"), dir);
    exporter.export(busybox.descriptor(), List.of("example/b:two"), dir);
    exporter.export(busybox.descriptor(), List.of("example/a:one"), dir);

    ImageIndex index = ImageIndex.parse(Files.readAllBytes(dir.resolve("index.json")), "dir");
    assertThat(index.manifests())
        .extracting(d -> d.annotations().get(Annotations.CONTAINERD_IMAGE_NAME))
        .containsExactly("example/b:two", "example/a:one");
    assertThat(dir.resolve("blobs/sha256/" + Digest.parse(Busybox.LAYER).hex())).exists();
    if (onPath("skopeo")) {
      JsonNode inspect =
          CanonicalJson.mapper()
              .readTree(Command.of("skopeo", "inspect", "oci:" + dir + ":two").output());
      assertThat(inspect.get("Digest").asText()).isEqualTo(Busybox.MANIFEST);
    }
  }
}
