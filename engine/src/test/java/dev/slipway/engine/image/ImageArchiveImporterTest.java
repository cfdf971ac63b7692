package dev.slipway.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.content.CanonicalJson;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.content.DigestMismatchException;
import dev.slipway.engine.content.LayerCompression;
import dev.slipway.engine.content.MediaTypes;
import dev.slipway.engine.content.Platform;
import dev.slipway.testing.Busybox;
import dev.slipway.testing.Command;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageArchiveImporterTest {
  @TempDir Path tmp;
  ContentStore content;
  ImageStore images;
  ImageArchiveImporter importer;

  @BeforeEach
  void open() throws Exception {
    content = ContentStore.open(tmp.resolve("state/content"));
    images = ImageStore.open(tmp.resolve("state/images"), content);
    importer = new ImageArchiveImporter(images);
  }

  @Test
  void importsTheBusyboxOciArchive() throws Exception {
    Image image =
        importer.importFrom(Busybox.ARCHIVE, ImportRequest.any().withName("busybox:latest"));

    assertThat(image.descriptor().digest()).isEqualTo(Digest.parse(Busybox.MANIFEST));
    assertThat(image.configDescriptor().digest()).isEqualTo(Digest.parse(Busybox.CONFIG));
    assertThat(image.layers())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.digest()).isEqualTo(Digest.parse(Busybox.LAYER));
              assertThat(l.mediaType()).isEqualTo(MediaTypes.OCI_LAYER_GZIP);
            });
    assertThat(image.config().rootfs().diffIds()).containsExactly(Busybox.DIFF_ID);
    assertThat(image.config().config().cmd()).containsExactly("sh");
    assertThat(content.exists(Digest.parse(Busybox.LAYER))).isTrue();
    assertThat(images.image("busybox:latest", Platform.parse("linux/amd64")).descriptor().digest())
        .isEqualTo(Digest.parse(Busybox.MANIFEST));
  }

  @Test
  void importsAnOciLayoutDirectoryAndACompressedArchive() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("layout"));
    Command.of("tar", "-xf", Busybox.ARCHIVE.toString(), "-C", dir.toString()).output();
    assertThat(importer.importFrom(dir, ImportRequest.any()).descriptor().digest())
        .isEqualTo(Digest.parse(Busybox.MANIFEST));

    Path gz = tmp.resolve("busybox.tar.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(Busybox.ARCHIVE, out);
    }
    ContentStore fresh = ContentStore.open(tmp.resolve("fresh"));
    Image image =
        new ImageArchiveImporter(ImageStore.open(tmp.resolve("fresh-images"), fresh))
            .importFrom(gz, ImportRequest.any());
    assertThat(image.descriptor().digest()).isEqualTo(Digest.parse(Busybox.MANIFEST));
    assertThat(fresh.exists(Digest.parse(Busybox.LAYER))).isTrue();
  }

  @Test
  void refusesAnArchiveWhoseBlobWasTamperedWith() throws Exception {
    Path layout = Files.createDirectories(tmp.resolve("layout"));
    Command.of("tar", "-xf", Busybox.ARCHIVE.toString(), "-C", layout.toString()).output();
    Path layer = layout.resolve("blobs/sha256/" + Digest.parse(Busybox.LAYER).hex());
    byte[] bytes = Files.readAllBytes(layer);
    bytes[bytes.length / 2] ^= 1;
    Files.write(layer, bytes);
    Path tampered = tmp.resolve("tampered.tar");
    Command.of("tar", "-cf", tampered.toString(), "-C", layout.toString(), ".").output();

    assertThatThrownBy(() -> importer.importFrom(tampered, ImportRequest.any()))
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining(Busybox.LAYER);
    assertThat(content.exists(Digest.parse(Busybox.LAYER))).isFalse();
    assertThatThrownBy(() -> importer.importFrom(layout, ImportRequest.any()))
        .isInstanceOf(DigestMismatchException.class);
  }

  @Test
  void importsAClassicDockerSaveArchiveWithSharedLayers() throws Exception {
    byte[] layerTar;
    try (InputStream in =
        LayerCompression.decompress(Files.newInputStream(extract(Digest.parse(Busybox.LAYER))))) {
      layerTar = in.readAllBytes();
    }
    // docker save writes a repeated layer once and links to it
    ObjectNode config =
        (ObjectNode)
            CanonicalJson.mapper()
                .readTree(Files.readAllBytes(extract(Digest.parse(Busybox.CONFIG))));
    ArrayNode diffIds = ((ObjectNode) config.get("rootfs")).putArray("diff_ids");
    diffIds.add(Busybox.DIFF_ID).add(Busybox.DIFF_ID);
    byte[] configJson = CanonicalJson.mapper().writeValueAsBytes(config);
    String configName = Digest.of(configJson).hex() + ".json";
    String manifest =
        "[{\"Config\":\""
            + configName
            + "\",\"RepoTags\":[\"mybox:1\"],\"Layers\":[\"aaa/layer.tar\",\"bbb/layer.tar\"]}]";

    Path archive = tmp.resolve("docker.tar");
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(archive))) {
      addFile(tar, "aaa/VERSION", "1.0".getBytes());
      addFile(tar, "aaa/layer.tar", layerTar);
      TarArchiveEntry link = new TarArchiveEntry("bbb/layer.tar", TarArchiveEntry.LF_SYMLINK);
      link.setLinkName("../aaa/layer.tar");
      tar.putArchiveEntry(link);
      tar.closeArchiveEntry();
      addFile(tar, configName, configJson);
      addFile(tar, "manifest.json", manifest.getBytes(StandardCharsets.UTF_8));
    }

    Image image = importer.importFrom(archive, ImportRequest.any());
    assertThat(image.configDescriptor().digest()).isEqualTo(Digest.of(configJson));
    assertThat(image.layers())
        .hasSize(2)
        .allSatisfy(
            l -> {
              assertThat(l.digest().toString()).isEqualTo(Busybox.DIFF_ID);
              assertThat(l.mediaType()).isEqualTo(MediaTypes.OCI_LAYER);
            });
    assertThat(images.lookup("mybox:1"))
        .hasValueSatisfying(d -> assertThat(d.digest()).isEqualTo(image.descriptor().digest()));

    assertThatThrownBy(
            () -> importer.importFrom(archive, ImportRequest.any().withReference("other:2")))
        .isInstanceOf(ImageNotFoundException.class)
        .hasMessageContaining("no image tagged other:2")
        .hasMessageContaining("mybox:1");
  }

  @Test
  void refusesAPlatformTheArchiveDoesNotHold() {
    assertThatThrownBy(
            () ->
                importer.importFrom(
                    Busybox.ARCHIVE,
                    ImportRequest.any().withPlatform(Platform.parse("linux/arm64"))))
        .isInstanceOf(ImageNotFoundException.class)
        .hasMessageContaining("linux/amd64 image, not linux/arm64");
  }

  @Test
  void explainsWhatIsNotAnImageArchive() throws Exception {
    Path notAnImage = tmp.resolve("plain.tar");
    try (TarArchiveOutputStream tar =
        new TarArchiveOutputStream(Files.newOutputStream(notAnImage))) {
      addFile(tar, "hello.txt", "hi".getBytes());
    }
    assertThatThrownBy(() -> importer.importFrom(notAnImage, ImportRequest.any()))
        .hasMessageContaining("neither an OCI archive")
        .hasMessageContaining("docker save");
  }

  private Path extract(Digest digest) throws Exception {
    Path dir = tmp.resolve("x");
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir);
      Command.of("tar", "-xf", Busybox.ARCHIVE.toString(), "-C", dir.toString()).output();
    }
    return dir.resolve("blobs/sha256/" + digest.hex());
  }

  private static void addFile(TarArchiveOutputStream tar, String name, byte[] data)
      throws Exception {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(data.length);
    tar.putArchiveEntry(e);
    tar.write(data);
    tar.closeArchiveEntry();
  }
}
