package dev.slipway.engine.bench;

import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.LayerCompression;
import dev.slipway.engine.content.Platform;
import dev.slipway.engine.image.Image;
import dev.slipway.engine.image.ImageStore;
import dev.slipway.engine.registry.ImageName;
import dev.slipway.engine.registry.RegistryAccess;
import dev.slipway.engine.registry.RegistryClient;
import dev.slipway.engine.registry.TestImages;
import dev.slipway.testing.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Prints push and pull throughput (MB/s of layer blobs on the wire) against Debian's registry on
 * 127.0.0.1 for gzip, parallel gzip and zstd layers: an image of four layers of about {@code
 * megabytes}/4 each, half compressible. A benchmark, not a test: run it with {@code java -cp <test
 * classpath> dev.slipway.engine.bench.RegistryThroughput [megabytes]}.
 */
public final class RegistryThroughput {
  private RegistryThroughput() {}

  public static void main(String[] args) throws Exception {
    long megabytes = args.length > 0 ? Long.parseLong(args[0]) : 256;
    Path work = Files.createTempDirectory("registry-bench-");
    RegistryAccess access = RegistryAccess.anonymous();
    RegistryClient client = new RegistryClient();
    Platform platform = Platform.parse("linux/amd64");
    System.out.printf(
        Locale.ROOT,
        "%d MB uncompressed in 4 layers, %d cores, chunk %d MiB%n",
        megabytes,
        Runtime.getRuntime().availableProcessors(),
        RegistryClient.DEFAULT_CHUNK_SIZE >> 20);
    try (TestRegistry registry = TestRegistry.anonymous(work.resolve("registry"))) {
      LayerCompression[] compressions = {
        LayerCompression.gzip(6), LayerCompression.parallelGzip(6), LayerCompression.zstd(3)
      };
      int round = 0;
      for (LayerCompression c : compressions) {
        round++;
        ImageStore images =
            ImageStore.open(
                work.resolve("src" + round + "/images"),
                ContentStore.open(work.resolve("src" + round + "/content")));
        long layer = (megabytes << 20) / 4;
        Image image = TestImages.create(images, round, c, layer, layer, layer, layer);
        long bytes = image.layers().stream().mapToLong(Descriptor::size).sum();
        ImageName name = ImageName.parse(registry.host() + "/bench/" + round + ":latest");

        long start = System.nanoTime();
        client.push(name, image.descriptor(), images.content(), List.of(), access);
        double push = (System.nanoTime() - start) / 1e9;

        ContentStore fresh = ContentStore.open(work.resolve("dst" + round));
        start = System.nanoTime();
        client.pull(name, platform, fresh, access);
        double pull = (System.nanoTime() - start) / 1e9;

        System.out.printf(
            Locale.ROOT,
            "%-50s %7.1f MB blobs  push %7.1f MB/s (%.2f s)  pull %7.1f MB/s (%.2f s)%n",
            c,
            bytes / 1e6,
            bytes / 1e6 / push,
            push,
            bytes / 1e6 / pull,
            pull);
      }
    } finally {
      try (var walk = Files.walk(work)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
