package dev.slipway.engine.content;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * A blob being written into the {@link ContentStore}: bytes go to a locked temp file while their
 * digest is computed; {@link #commit} makes the blob visible atomically, {@link #close} without a
 * commit discards it. This is the sink for compressors and for registry downloads.
 */
public final class BlobWriter extends OutputStream {
  private final ContentStore store;
  private final Path temp;
  private final FileChannel channel;
  private final FileLock lock;
  private final MessageDigest sha256 = Digest.newSha256();
  private long size;
  private boolean closed;

  BlobWriter(ContentStore store, Path temp, FileChannel channel, FileLock lock) {
    this.store = store;
    this.temp = temp;
    this.channel = channel;
    this.lock = lock;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("blob writer for " + temp + " is already closed");
    }
    sha256.update(b, off, len);
    ByteBuffer buf = ByteBuffer.wrap(b, off, len);
    while (buf.hasRemaining()) {
      channel.write(buf);
    }
    size += len;
  }

  public long size() {
    return size;
  }

  /** Commits whatever was written, under its own digest. */
  public BlobInfo commit() throws IOException {
    return commit(null, -1);
  }

  /**
   * Verifies the written bytes against {@code expected} (null: accept any) and {@code expectedSize}
   * (negative: any), then makes the blob visible. On a mismatch nothing is stored.
   */
  public BlobInfo commit(Digest expected, long expectedSize) throws IOException {
    if (closed) {
      throw new IOException("blob writer for " + temp + " is already closed");
    }
    Digest actual = Digest.fromBytes(sha256.digest());
    try {
      if (expected != null && !expected.equals(actual)) {
        throw DigestMismatchException.of(
            "blob " + expected, expected, actual, size, "the source is corrupt or was truncated");
      }
      if (expectedSize >= 0 && expectedSize != size) {
        throw new DigestMismatchException(
            "blob "
                + actual
                + ": expected "
                + expectedSize
                + " bytes but got "
                + size
                + "; the source is corrupt or was truncated");
      }
      channel.force(true);
      Files.move(temp, store.path(actual), StandardCopyOption.ATOMIC_MOVE);
      syncDirectory(store.blobDir());
      return store.touch(actual);
    } finally {
      close();
    }
  }

  /** Discards an uncommitted blob. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try (channel) {
      lock.release();
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }
}
