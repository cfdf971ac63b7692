package dev.slipway.engine.registry;

import dev.slipway.engine.content.CompressedLayer;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.LayerCompression;
import dev.slipway.engine.image.HistoryEntry;
import dev.slipway.engine.image.Image;
import dev.slipway.engine.image.ImageConfig;
import dev.slipway.engine.image.ImageStore;
import dev.slipway.engine.image.Platform;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Images with made-up layers (one file each, half random and half repetitive bytes). */
public final class TestImages {
  private TestImages() {}

  /** An image of {@code sizes.length} layers, layer i holding about sizes[i] bytes. */
  public static Image create(
      ImageStore images, long seed, LayerCompression compression, long... sizes)
      throws IOException {
    ContentStore content = images.content();
    ImageConfig config = ImageConfig.scratch(Platform.parse("linux/amd64"));
    List<dev.slipway.engine.content.Descriptor> layers = new ArrayList<>();
    Random random = new Random(seed);
    for (int i = 0; i < sizes.length; i++) {
      byte[] tar = tar("layer" + i + ".bin", bytes(random, (int) sizes[i]));
      CompressedLayer layer = compression.compressInto(new ByteArrayInputStream(tar), content);
      layers.add(layer.descriptor());
      config =
          config.withLayer(
              layer.diffId().toString(),
              new HistoryEntry(
                  "2024-01-01T00:00:00Z", "test layer " + i + " seed " + seed, null, null, false));
    }
    return images.create(config, layers);
  }

  private static byte[] bytes(Random random, int size) {
    byte[] data = new byte[size];
    random.nextBytes(data);
    for (int i = 0; i < size / 2; i++) {
      data[i] = (byte) (i % 61); // compressible half, like real binaries and text
    }
    return data;
  }

  private static byte[] tar(String name, byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 2048);
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      TarArchiveEntry e = new TarArchiveEntry(name);
      e.setSize(data.length);
      e.setModTime(0);
      tar.putArchiveEntry(e);
      tar.write(data);
      tar.closeArchiveEntry();
    }
    return out.toByteArray();
  }
}
