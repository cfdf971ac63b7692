package dev.slipway.engine.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerCompressionTest {
  @TempDir Path tmp;

  /** Text-like data: compressible, but not trivially (like a layer of binaries and text). */
  static byte[] semiCompressible(int size, long seed) {
    Random r = new Random(seed);
    String[] words = {"usr", "lib", "bin", "libc.so.6", "etc", "passwd", "x86_64", "\n", " "};
    ByteArrayOutputStream out = new ByteArrayOutputStream(size);
    while (out.size() < size) {
      if (r.nextInt(8) == 0) {
        byte[] noise = new byte[r.nextInt(24)];
        r.nextBytes(noise);
        out.writeBytes(noise);
      } else {
        out.writeBytes(words[r.nextInt(words.length)].getBytes(StandardCharsets.UTF_8));
      }
    }
    return Arrays.copyOf(out.toByteArray(), size);
  }

  @Test
  void everyCompressionRoundTripsAndReportsBothDigests() throws Exception {
    byte[] layer = semiCompressible(3 << 20, 1);
    for (LayerCompression c :
        new LayerCompression[] {
          LayerCompression.none(),
          LayerCompression.gzip(6),
          LayerCompression.parallelGzip(6),
          new LayerCompression.ParallelGzip(1, 64 * 1024, 3),
          LayerCompression.zstd(3),
          new LayerCompression.Zstd(3, 2)
        }) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      CompressedLayer result = c.compress(new ByteArrayInputStream(layer), out);
      byte[] blob = out.toByteArray();

      assertThat(result.diffId()).as("%s diffID", c).isEqualTo(Digest.of(layer));
      assertThat(result.uncompressedSize()).isEqualTo(layer.length);
      assertThat(result.digest()).as("%s digest", c).isEqualTo(Digest.of(blob));
      assertThat(result.size()).isEqualTo(blob.length);
      assertThat(result.mediaType()).isEqualTo(c.mediaType());
      try (InputStream in = LayerCompression.decompress(new ByteArrayInputStream(blob))) {
        assertThat(in.readAllBytes()).as("%s round trip", c).isEqualTo(layer);
      }
      if (!(c instanceof LayerCompression.None)) {
        assertThat(blob.length).as("%s compresses", c).isLessThan(layer.length * 7 / 10);
      }
    }
  }

  @Test
  void parallelGzipIsOneStandardGzipMemberThatJavaAndGnuGzipRead() throws Exception {
    byte[] layer = semiCompressible(5 << 20, 2);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LayerCompression.parallelGzip(6).compress(new ByteArrayInputStream(layer), out);
    byte[] blob = out.toByteArray();
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(blob))) {
      assertThat(in.readAllBytes()).isEqualTo(layer);
    }
    Path gz = Files.write(tmp.resolve("layer.tar.gz"), blob);
    Process gzip = new ProcessBuilder("gzip", "-dc", gz.toString()).start();
    byte[] fromGnu = gzip.getInputStream().readAllBytes();
    assertThat(gzip.waitFor()).isZero();
    assertThat(fromGnu).isEqualTo(layer);
    // within a few percent of single-threaded zlib thanks to the 32 KiB dictionaries
    ByteArrayOutputStream single = new ByteArrayOutputStream();
    LayerCompression.gzip(6).compress(new ByteArrayInputStream(layer), single);
    assertThat((double) blob.length).isLessThan(single.size() * 1.05);
  }

  @Test
  void parallelGzipOutputDependsOnlyOnTheInput() throws Exception {
    byte[] layer = semiCompressible(2 << 20, 3);
    byte[] a = compress(new LayerCompression.ParallelGzip(6, 128 * 1024, 1), layer);
    byte[] b = compress(new LayerCompression.ParallelGzip(6, 128 * 1024, 8), layer);
    assertThat(a).isEqualTo(b);
  }

  @Property(tries = 40)
  void parallelGzipRoundTripsAnyInput(@ForAll @Size(max = 300_000) byte[] data) throws Exception {
    byte[] blob = compress(new LayerCompression.ParallelGzip(6, 64 * 1024, 2), data);
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(blob))) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
  }

  @Test
  void emptyLayerCompressesToAValidStream() throws Exception {
    for (LayerCompression c :
        new LayerCompression[] {
          LayerCompression.gzip(6), LayerCompression.parallelGzip(6), LayerCompression.zstd(3)
        }) {
      byte[] blob = compress(c, new byte[0]);
      try (InputStream in = LayerCompression.decompress(new ByteArrayInputStream(blob))) {
        assertThat(in.readAllBytes()).as("%s", c).isEmpty();
      }
    }
  }

  @Test
  void decompressDetectsBzip2AndXzByMagic() throws Exception {
    byte[] data = semiCompressible(100_000, 4);
    ByteArrayOutputStream bz = new ByteArrayOutputStream();
    try (OutputStream o = new BZip2CompressorOutputStream(bz)) {
      o.write(data);
    }
    ByteArrayOutputStream xz = new ByteArrayOutputStream();
    try (OutputStream o = new XZCompressorOutputStream(xz)) {
      o.write(data);
    }
    for (byte[] blob : new byte[][] {bz.toByteArray(), xz.toByteArray(), data}) {
      try (InputStream in = LayerCompression.decompress(new ByteArrayInputStream(blob))) {
        assertThat(in.readAllBytes()).isEqualTo(data);
      }
    }
    assertThat(Compression.detect(bz.toByteArray(), 6)).isEqualTo(Compression.BZIP2);
    assertThat(Compression.detect(xz.toByteArray(), 6)).isEqualTo(Compression.XZ);
    assertThat(Compression.detect(data, 6)).isEqualTo(Compression.NONE);
  }

  @Test
  void compressIntoStoresTheBlobUnderItsCompressedDigest() throws Exception {
    ContentStore store = ContentStore.open(tmp.resolve("state"));
    byte[] layer = semiCompressible(1 << 20, 5);
    CompressedLayer result =
        LayerCompression.parallelGzip(6).compressInto(new ByteArrayInputStream(layer), store);
    assertThat(store.size(result.digest())).isEqualTo(result.size());
    try (InputStream in = LayerCompression.decompress(store.open(result.digest()))) {
      assertThat(Digest.of(in.readAllBytes())).isEqualTo(result.diffId());
    }
  }

  @Test
  void aTarWrittenStraightIntoTheStoreIsTheBlobOfTheSameTarReadFromAStream() throws Exception {
    ContentStore store = ContentStore.open(tmp.resolve("state"));
    byte[] layer = semiCompressible(3 << 20, 7);
    for (LayerCompression c :
        new LayerCompression[] {
          LayerCompression.none(), LayerCompression.gzip(6), LayerCompression.parallelGzip(6)
        }) {
      ByteArrayOutputStream streamed = new ByteArrayOutputStream();
      CompressedLayer expected = c.compress(new ByteArrayInputStream(layer), streamed);
      // written in uneven pieces, as a tar writer writes headers and file contents
      CompressedLayer written =
          c.compressInto(
              out -> {
                for (int off = 0; off < layer.length; off += 1000) {
                  out.write(layer, off, Math.min(1000, layer.length - off));
                }
              },
              store);

      assertThat(written).as("%s", c).isEqualTo(expected);
      try (InputStream in = store.open(written.digest())) {
        assertThat(in.readAllBytes()).as("%s blob", c).isEqualTo(streamed.toByteArray());
      }
    }
  }

  @Test
  void rejectsOutOfRangeLevels() {
    assertThatThrownBy(() -> LayerCompression.gzip(0)).hasMessageContaining("use 1..9");
    assertThatThrownBy(() -> LayerCompression.zstd(23)).hasMessageContaining("use 1..22");
  }

  private static byte[] compress(LayerCompression c, byte[] data) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    c.compress(new ByteArrayInputStream(data), out);
    return out.toByteArray();
  }
}
