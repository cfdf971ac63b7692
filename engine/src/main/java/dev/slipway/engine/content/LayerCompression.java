package dev.slipway.engine.content;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * How a layer tar is compressed before it becomes a blob: none, gzip (single-threaded, or {@link
 * ParallelGzip} using every core), or zstd. {@link #compress} produces the blob and both digests in
 * one pass over the uncompressed tar.
 */
public sealed interface LayerCompression {

  /** The OCI media type of a layer compressed this way. */
  String mediaType();

  /** Wraps {@code out} so that bytes written to the result arrive compressed. */
  OutputStream compressing(OutputStream out) throws IOException;

  /**
   * Compresses {@code uncompressed} into {@code out} (which is not closed) and reports the diffID
   * and the compressed digest and size.
   */
  default CompressedLayer compress(InputStream uncompressed, OutputStream out) throws IOException {
    MessageDigest diffId = Digest.newSha256();
    CountingDigestOutputStream compressed = new CountingDigestOutputStream(out);
    long uncompressedSize = 0;
    try (OutputStream compressor = compressing(compressed)) {
      byte[] buf = new byte[1 << 17];
      for (int n; (n = uncompressed.read(buf)) >= 0; ) {
        diffId.update(buf, 0, n);
        compressor.write(buf, 0, n);
        uncompressedSize += n;
      }
    }
    return new CompressedLayer(
        mediaType(),
        Digest.fromBytes(diffId.digest()),
        uncompressedSize,
        compressed.digest(),
        compressed.count());
  }

  /** Compresses a layer tar straight into the content store. */
  default CompressedLayer compressInto(InputStream uncompressed, ContentStore store)
      throws IOException {
    return compressInto(uncompressed::transferTo, store);
  }

  /** Writes a layer tar. */
  @FunctionalInterface
  interface LayerSource {
    /** Writes the whole tar to {@code out}, which it does not close. */
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Compresses the tar {@code source} writes straight into the content store, on the caller's
   * thread (the compressor may use others): no pipe between the tar writer and the compressor, and
   * the blob's digest computed once, by the store's writer.
   */
  default CompressedLayer compressInto(LayerSource source, ContentStore store) throws IOException {
    try (BlobWriter writer = store.writer()) {
      CountingDigestOutputStream tar;
      try (OutputStream compressor = compressing(writer)) {
        tar = new CountingDigestOutputStream(compressor);
        OutputStream buffered = new BufferedOutputStream(tar, 1 << 16);
        source.writeTo(buffered);
        buffered.flush();
      }
      BlobInfo blob = writer.commit();
      return new CompressedLayer(
          mediaType(), tar.digest(), tar.count(), blob.digest(), blob.size());
    }
  }

  static LayerCompression none() {
    return new None();
  }

  static LayerCompression gzip(int level) {
    return new Gzip(level);
  }

  /** Parallel gzip with default block size, using all cores. */
  static LayerCompression parallelGzip(int level) {
    return new ParallelGzip(
        level, ParallelGzip.DEFAULT_BLOCK_SIZE, Runtime.getRuntime().availableProcessors());
  }

  static LayerCompression zstd(int level) {
    return new Zstd(level, 0);
  }

  /**
   * Opens a possibly compressed stream (gzip, zstd, bzip2, xz or none), detected by magic bytes.
   * Closing the result closes {@code in}.
   */
  static InputStream decompress(InputStream in) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
    return switch (detect(buffered)) {
      case GZIP -> new GZIPInputStream(buffered, 1 << 16);
      case ZSTD -> new ZstdInputStream(buffered).setContinuous(false);
      case BZIP2 -> new BZip2CompressorInputStream(buffered, true);
      case XZ -> new XZCompressorInputStream(buffered, true);
      case NONE -> buffered;
    };
  }

  /** Peeks at the first bytes of a mark-supporting stream without consuming them. */
  static Compression detect(InputStream markable) throws IOException {
    byte[] head = new byte[6];
    markable.mark(head.length);
    int n = markable.readNBytes(head, 0, head.length);
    markable.reset();
    return Compression.detect(head, n);
  }

  /** Layers stored as plain tar. */
  record None() implements LayerCompression {
    @Override
    public String mediaType() {
      return MediaTypes.OCI_LAYER;
    }

    @Override
    public OutputStream compressing(OutputStream out) {
      return new NonClosingOutputStream(out);
    }
  }

  /** Single-threaded gzip (zlib), level 1..9. */
  record Gzip(int level) implements LayerCompression {
    public Gzip {
      checkLevel(level, 1, 9, "gzip");
    }

    @Override
    public String mediaType() {
      return MediaTypes.OCI_LAYER_GZIP;
    }

    @Override
    public OutputStream compressing(OutputStream out) throws IOException {
      return new GZIPOutputStream(new NonClosingOutputStream(out), 1 << 16) {
        {
          def.setLevel(level);
        }
      };
    }
  }

  /**
   * Gzip compressed in independent blocks on all cores (as pigz does); the output is one ordinary
   * gzip member that any gzip reader accepts.
   */
  record ParallelGzip(int level, int blockSize, int parallelism) implements LayerCompression {
    public static final int DEFAULT_BLOCK_SIZE = 256 * 1024;

    public ParallelGzip {
      checkLevel(level, 1, 9, "gzip");
      if (blockSize < 64 * 1024) {
        throw new IllegalArgumentException("parallel gzip block size must be at least 64 KiB");
      }
      if (parallelism < 1) {
        throw new IllegalArgumentException("parallel gzip needs a parallelism of at least 1");
      }
    }

    @Override
    public String mediaType() {
      return MediaTypes.OCI_LAYER_GZIP;
    }

    @Override
    public OutputStream compressing(OutputStream out) {
      return new ParallelGzipOutputStream(out, level, blockSize, parallelism);
    }
  }

  /**
   * Zstandard, level 1..22; {@code workers > 0} lets libzstd compress on that many threads (the
   * output then differs from single-threaded output, but is the same for any worker count).
   */
  record Zstd(int level, int workers) implements LayerCompression {
    public Zstd {
      checkLevel(level, 1, 22, "zstd");
      if (workers < 0) {
        throw new IllegalArgumentException("zstd workers must not be negative");
      }
    }

    @Override
    public String mediaType() {
      return MediaTypes.OCI_LAYER_ZSTD;
    }

    @Override
    public OutputStream compressing(OutputStream out) throws IOException {
      ZstdOutputStream z = new ZstdOutputStream(new NonClosingOutputStream(out), level);
      if (workers > 0) {
        z.setWorkers(workers);
      }
      return z;
    }
  }

  private static void checkLevel(int level, int min, int max, String name) {
    if (level < min || level > max) {
      throw new IllegalArgumentException(
          name + " level " + level + " is out of range: use " + min + ".." + max);
    }
  }
}
