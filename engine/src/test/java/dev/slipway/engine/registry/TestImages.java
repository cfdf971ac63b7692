package dev.slipway.engine.registry;

import dev.slipway.engine.content.CompressedLayer;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.LayerCompression;
import dev.slipway.engine.content.Platform;
import dev.slipway.engine.image.HistoryEntry;
import dev.slipway.engine.image.Image;
import dev.slipway.engine.image.ImageConfig;
import dev.slipway.engine.image.ImageStore;
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
      java.nio.file.Path tar = java.nio.file.Files.createTempFile("test-layer-", ".tar");
      try {
        writeTar(tar, "layer" + i + ".bin", random, sizes[i]);
        CompressedLayer layer;
        try (var in = java.nio.file.Files.newInputStream(tar)) {
          layer = compression.compressInto(in, content);
        }
        layers.add(layer.descriptor());
        config =
            config.withLayer(
                layer.diffId().toString(),
                new HistoryEntry(
                    "2024-01-01T00:00:00Z",
                    "test layer " + i + " seed " + seed,
                    null,
                    null,
                    false));
      } finally {
        java.nio.file.Files.deleteIfExists(tar);
      }
    }
    return images.create(config, layers);
  }

  /** The layers of {@code base} plus one made-up layer of {@code size} bytes on top. */
  public static Image extend(ImageStore images, Image base, long seed, long size)
      throws IOException {
    java.nio.file.Path tar = java.nio.file.Files.createTempFile("test-layer-", ".tar");
    try {
      writeTar(tar, "big-" + seed + ".bin", new Random(seed), size);
      CompressedLayer layer;
      try (var in = java.nio.file.Files.newInputStream(tar)) {
        layer = LayerCompression.gzip(1).compressInto(in, images.content());
      }
      List<dev.slipway.engine.content.Descriptor> layers = new ArrayList<>(base.layers());
      layers.add(layer.descriptor());
      ImageConfig config =
          base.config()
              .withLayer(
                  layer.diffId().toString(),
                  new HistoryEntry("2024-01-01T00:00:00Z", "big layer", null, null, false));
      return images.create(config, layers);
    } finally {
      java.nio.file.Files.deleteIfExists(tar);
    }
  }

  /** A tar of one file: its first half compressible (like text), the rest random. */
  private static void writeTar(java.nio.file.Path file, String name, Random random, long size)
      throws IOException {
    try (TarArchiveOutputStream tar =
        new TarArchiveOutputStream(
            new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(file)))) {
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      TarArchiveEntry e = new TarArchiveEntry(name);
      e.setSize(size);
      e.setModTime(0);
      e.setMode(0644);
      tar.putArchiveEntry(e);
      byte[] block = new byte[1 << 16];
      for (long done = 0; done < size; ) {
        int n = (int) Math.min(block.length, size - done);
        if (done < size / 2) {
          for (int i = 0; i < n; i++) {
            block[i] = (byte) ((done + i) % 61);
          }
        } else {
          random.nextBytes(block);
        }
        tar.write(block, 0, n);
        done += n;
      }
      tar.closeArchiveEntry();
    }
  }
}
