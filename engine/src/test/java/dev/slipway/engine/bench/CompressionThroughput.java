package dev.slipway.engine.bench;

import dev.slipway.engine.content.CompressedLayer;
import dev.slipway.engine.content.LayerCompression;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;

/**
 * Prints layer compression throughput (uncompressed MB/s) and ratio for each compression on about
 * 200 MB of semi-compressible, tar-like data. A benchmark, not a test: run it with {@code java -cp
 * <test classpath> dev.slipway.engine.bench.CompressionThroughput [megabytes]}.
 */
public final class CompressionThroughput {
  private CompressionThroughput() {}

  public static void main(String[] args) throws Exception {
    int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    byte[] data = layerLikeData(megabytes << 20);
    int cores = Runtime.getRuntime().availableProcessors();
    System.out.printf(Locale.ROOT, "%d MB input, %d cores%n", megabytes, cores);
    LayerCompression[] compressions = {
      LayerCompression.gzip(6),
      LayerCompression.parallelGzip(6),
      LayerCompression.zstd(3),
      new LayerCompression.Zstd(3, cores),
    };
    for (LayerCompression c : compressions) {
      c.compress(new ByteArrayInputStream(data, 0, 16 << 20), OutputStream.nullOutputStream());
      long start = System.nanoTime();
      CompressedLayer layer =
          c.compress(new ByteArrayInputStream(data), OutputStream.nullOutputStream());
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "%-55s %8.1f MB/s  ratio %.3f  (%.2f s)%n",
          c,
          data.length / 1e6 / seconds,
          (double) layer.size() / layer.uncompressedSize(),
          seconds);
    }
  }

  /** Mostly repetitive text with stretches of random bytes, like a layer of text and binaries. */
  static byte[] layerLikeData(int size) {
    Random random = new Random(42);
    String[] words = {
      "usr/", "lib/", "bin/", "libc.so.6", "etc/", "passwd", "x86_64-linux-gnu/", "\n", " ", "0000"
    };
    byte[] data = new byte[size];
    int at = 0;
    while (at < size) {
      if (random.nextInt(12) == 0) {
        int n = Math.min(size - at, random.nextInt(24));
        for (int i = 0; i < n; i++) {
          data[at + i] = (byte) random.nextInt(256);
        }
        at += n;
      } else {
        byte[] w = words[random.nextInt(words.length)].getBytes(StandardCharsets.UTF_8);
        int n = Math.min(size - at, w.length);
        System.arraycopy(w, 0, data, at, n);
        at += n;
      }
    }
    return data;
  }
}
