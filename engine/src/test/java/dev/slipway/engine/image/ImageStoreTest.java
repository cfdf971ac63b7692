package dev.slipway.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.engine.content.BlobNotFoundException;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.content.InvalidContentException;
import dev.slipway.engine.content.LayerCompression;
import dev.slipway.engine.content.MediaTypes;
import dev.slipway.engine.content.Platform;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageStoreTest {
  @TempDir Path state;

  @Test
  void namesSurviveReopeningAndPointAtResolvableImages() throws Exception {
    ContentStore content = ContentStore.open(state.resolve("content"));
    ImageStore images = ImageStore.open(state.resolve("images"), content);
    var layer =
        LayerCompression.gzip(6).compressInto(new ByteArrayInputStream(new byte[1024]), content);
    ImageConfig config =
        ImageConfig.scratch(Platform.parse("linux/amd64"))
            .withLayer(
                layer.diffId().toString(), new HistoryEntry(null, "test", null, null, false));
    Image created = images.create(config, List.of(layer.descriptor()));
    images.tagImported("example:1", created.descriptor());

    ImageStore reopened = ImageStore.open(state.resolve("images"), content);
    assertThat(reopened.list()).containsOnlyKeys("example:1");
    Image loaded = reopened.image("example:1", Platform.parse("linux/amd64"));
    assertThat(loaded.descriptor().digest()).isEqualTo(created.descriptor().digest());
    assertThat(loaded.config()).isEqualTo(config);
    assertThat(loaded.layers()).containsExactly(layer.descriptor());

    assertThat(reopened.remove("example:1")).isTrue();
    assertThat(reopened.lookup("example:1")).isEmpty();
    assertThatThrownBy(() -> reopened.image("example:1", Platform.host()))
        .isInstanceOf(ImageNotFoundException.class)
        .hasMessageContaining("no local image named \"example:1\"");
    try (var files = Files.list(state.resolve("images"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("images.json", "origins.json", "images.json.lock");
    }
    assertThat(Files.readString(state.resolve("images/origins.json")))
        .as("a removed name forgets its origin")
        .doesNotContain("example:1");
  }

  @Test
  void eachNameKeepsItsOriginAndAnUnreadableOriginTableFailsClosed() throws Exception {
    ContentStore content = ContentStore.open(state.resolve("content"));
    ImageStore images = ImageStore.open(state.resolve("images"), content);
    Image image = images.create(ImageConfig.scratch(Platform.parse("linux/amd64")), List.of());
    images.tagImported("imported:1", image.descriptor());
    images.tag("private:1", image.descriptor(), ImageOrigin.PULLED_WITH_CREDENTIALS, "alice");
    images.tag("built:1", image.descriptor(), ImageOrigin.BUILT, "alice");

    assertThat(images.lookupNamed("imported:1").orElseThrow().provenance().origin())
        .isEqualTo(ImageOrigin.IMPORTED);
    assertThat(images.lookupNamed("private:1").orElseThrow().provenance().origin())
        .isEqualTo(ImageOrigin.PULLED_WITH_CREDENTIALS);
    assertThat(images.lookupNamed("built:1").orElseThrow().provenance().origin())
        .isEqualTo(ImageOrigin.BUILT);
    images.tag("private:1", image.descriptor(), ImageOrigin.PULLED_ANONYMOUSLY, "alice");
    assertThat(
            images
                .lookupNamed("private:1")
                .orElseThrow()
                .provenance()
                .origin()
                .sharedWithEveryBuild())
        .isTrue();
    assertThat(images.lookupNamed("built:1").orElseThrow().usableWithoutCheckBy("alice"))
        .as("the owner's own output serves the owner's next build")
        .isTrue();
    assertThat(images.lookupNamed("built:1").orElseThrow().usableWithoutCheckBy("bob"))
        .as("but nobody else's without a registry check")
        .isFalse();
    assertThat(images.remove("built:1")).isTrue();
    images.tagImported("built:1", image.descriptor());
    assertThat(images.lookupNamed("built:1").orElseThrow().provenance().origin())
        .as("an import records its origin explicitly")
        .isEqualTo(ImageOrigin.IMPORTED);
    assertThat(Files.readString(state.resolve("images/origins.json")))
        .contains("imported:1", "IMPORTED");

    Files.writeString(state.resolve("images/origins.json"), "{broken");
    assertThatThrownBy(() -> images.lookupNamed("imported:1"))
        .isInstanceOf(InvalidContentException.class)
        .hasMessageContaining("origins.json");
  }

  @Test
  void aNameWithoutARecordIsNotUsableWithoutCheckByAnyone() throws Exception {
    ContentStore content = ContentStore.open(state.resolve("content"));
    ImageStore images = ImageStore.open(state.resolve("images"), content);
    Image image = images.create(ImageConfig.scratch(Platform.parse("linux/amd64")), List.of());
    // a store from before origins were recorded: names (maybe pulled with a user's
    // credentials) in images.json, and no origins.json
    images.tagImported("pulled-by-alice:1", image.descriptor());
    Files.delete(state.resolve("images/origins.json"));

    ImageStore.Named named = images.lookupNamed("pulled-by-alice:1").orElseThrow();
    assertThat(named.target().digest()).isEqualTo(image.descriptor().digest());
    assertThat(named.provenance().origin().sharedWithEveryBuild()).isFalse();
    for (String owner : List.of("alice", "bob", "local", "")) {
      assertThat(named.usableWithoutCheckBy(owner)).as("usable by %s", owner).isFalse();
    }
  }

  @Test
  void refusesToNameContentItDoesNotHold() throws Exception {
    ContentStore content = ContentStore.open(state.resolve("content"));
    ImageStore images = ImageStore.open(state.resolve("images"), content);
    Descriptor missing = Descriptor.of(MediaTypes.OCI_MANIFEST, Digest.of(new byte[1]), 1);
    assertThatThrownBy(() -> images.tagImported("x", missing))
        .isInstanceOf(BlobNotFoundException.class);
    assertThatThrownBy(() -> images.tagImported("has space", missing))
        .hasMessageContaining("invalid image name");
  }

  @Test
  void selectsThePlatformFromAnIndex() throws Exception {
    ContentStore content = ContentStore.open(state.resolve("content"));
    ImageStore images = ImageStore.open(state.resolve("images"), content);
    Image amd64 = images.create(ImageConfig.scratch(Platform.parse("linux/amd64")), List.of());
    Image arm = images.create(ImageConfig.scratch(Platform.parse("linux/arm64")), List.of());
    byte[] indexJson =
        ImageIndex.oci(
                List.of(
                    amd64.descriptor(),
                    arm.descriptor().withPlatform(new Platform("linux", "arm64", "v8"))))
            .toJson();
    content.ingest(indexJson);
    Descriptor index = Descriptor.of(MediaTypes.OCI_INDEX, indexJson);

    assertThat(images.resolve(index, Platform.parse("linux/amd64")).descriptor().digest())
        .isEqualTo(amd64.descriptor().digest());
    assertThat(images.resolve(index, Platform.parse("linux/arm64")).descriptor().digest())
        .isEqualTo(arm.descriptor().digest());
    assertThatThrownBy(() -> images.resolve(index, Platform.parse("linux/s390x")))
        .isInstanceOf(ImageNotFoundException.class)
        .hasMessageContaining("available: linux/amd64, linux/arm64/v8");
  }
}
