package dev.slipway.engine.content;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The content-addressed blob store: every manifest, config and layer the engine holds, stored once
 * under {@code <root>/blobs/sha256/<hex>}.
 *
 * <p>Crash safety: a blob is written to a temp file in the same directory, fsynced, checked against
 * its digest and only then renamed into place, so a kill -9 never leaves a partial blob under a
 * digest name. A writer holds an OS lock on its temp file; {@link #open(Path)} removes the temp
 * files whose writer is gone. Parallel writers of the same digest each write their own temp file
 * and the last rename wins with identical bytes.
 *
 * <p>Last-used time is the blob file's mtime, refreshed on write and read, so a later garbage
 * collector can evict by age without a separate index.
 */
public final class ContentStore {
  static final String TEMP_PREFIX = ".ingest-";

  private final Path root;
  private final Path blobDir;

  private ContentStore(Path root) {
    this.root = root;
    this.blobDir = root.resolve("blobs").resolve(Digest.ALGORITHM);
  }

  /** Opens (creating if needed) the store rooted at {@code root} and removes abandoned temps. */
  public static ContentStore open(Path root) throws IOException {
    ContentStore store = new ContentStore(root.toAbsolutePath());
    Files.createDirectories(store.blobDir);
    store.removeAbandonedTemps();
    return store;
  }

  public Path root() {
    return root;
  }

  /** Starts writing a blob; commit it with {@link BlobWriter#commit}, or close to abandon. */
  public BlobWriter writer() throws IOException {
    Path temp = Files.createTempFile(blobDir, TEMP_PREFIX, "");
    FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
    FileLock lock = channel.lock();
    return new BlobWriter(this, temp, channel, lock);
  }

  /** Stores everything {@code in} yields and returns the blob's digest and size. */
  public BlobInfo ingest(InputStream in) throws IOException {
    return ingest(in, null, -1);
  }

  /**
   * Stores {@code in}, failing with {@link DigestMismatchException} (and storing nothing) unless it
   * hashes to {@code expected}. When the blob is already present the stream is not read.
   */
  public BlobInfo ingest(InputStream in, Digest expected) throws IOException {
    return ingest(in, expected, -1);
  }

  /** Stores {@code in}, verifying the digest and size a descriptor promised. */
  public BlobInfo ingest(InputStream in, Descriptor expected) throws IOException {
    return ingest(in, expected.digest(), expected.size());
  }

  private BlobInfo ingest(InputStream in, Digest expected, long expectedSize) throws IOException {
    if (expected != null && exists(expected)) {
      return touch(expected);
    }
    try (BlobWriter writer = writer()) {
      in.transferTo(writer);
      return writer.commit(expected, expectedSize);
    }
  }

  /** Stores a small document (manifest, config) held in memory. */
  public BlobInfo ingest(byte[] content) throws IOException {
    Digest digest = Digest.of(content);
    if (exists(digest)) {
      return touch(digest);
    }
    try (BlobWriter writer = writer()) {
      writer.write(content);
      return writer.commit(digest, content.length);
    }
  }

  public boolean exists(Digest digest) {
    return Files.isRegularFile(path(digest));
  }

  public long size(Digest digest) throws IOException {
    try {
      return Files.size(path(digest));
    } catch (NoSuchFileException e) {
      throw new BlobNotFoundException(digest, "content store " + root);
    }
  }

  /** Opens a blob for reading and marks it used. */
  public InputStream open(Digest digest) throws IOException {
    try {
      InputStream in = Files.newInputStream(path(digest));
      markUsed(digest);
      return in;
    } catch (NoSuchFileException e) {
      throw new BlobNotFoundException(digest, "content store " + root);
    }
  }

  /** Reads a whole blob; for documents (manifests, configs), not for layers. */
  public byte[] read(Digest digest) throws IOException {
    try (InputStream in = open(digest)) {
      return in.readAllBytes();
    }
  }

  /** Deletes a blob; returns false when it was not there. Readers with it open keep reading. */
  public boolean delete(Digest digest) throws IOException {
    return Files.deleteIfExists(path(digest));
  }

  /** All blobs, with sizes and last-used times, in digest order. */
  public List<BlobInfo> list() throws IOException {
    List<BlobInfo> blobs = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(blobDir)) {
      for (Path p : dir) {
        String name = p.getFileName().toString();
        if (name.startsWith(TEMP_PREFIX)) {
          continue;
        }
        Digest digest;
        try {
          digest = new Digest(name);
        } catch (InvalidDigestException e) {
          continue; // not ours; leave foreign files alone
        }
        try {
          BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
          blobs.add(new BlobInfo(digest, a.size(), a.lastModifiedTime().toInstant()));
        } catch (NoSuchFileException e) {
          // deleted concurrently
        }
      }
    }
    blobs.sort(Comparator.comparing(BlobInfo::digest));
    return blobs;
  }

  /**
   * Where a blob lives on disk, for callers that need a file (e.g. to hand to a runtime). The file
   * must not be modified.
   */
  public Path path(Digest digest) {
    return blobDir.resolve(digest.hex());
  }

  Path blobDir() {
    return blobDir;
  }

  BlobInfo touch(Digest digest) throws IOException {
    Instant now = markUsed(digest);
    return new BlobInfo(digest, size(digest), now);
  }

  private Instant markUsed(Digest digest) {
    Instant now = Instant.now();
    try {
      Files.setLastModifiedTime(path(digest), FileTime.from(now));
    } catch (IOException e) {
      // a read-only store or a concurrent delete; usage time is only a GC hint
    }
    return now;
  }

  private void removeAbandonedTemps() throws IOException {
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(blobDir, TEMP_PREFIX + "*")) {
      for (Path temp : dir) {
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE);
            FileLock lock = ch.tryLock()) {
          if (lock != null) {
            Files.deleteIfExists(temp);
          }
        } catch (NoSuchFileException | OverlappingFileLockException e) {
          // its writer finished meanwhile, or is a live writer in this JVM
        } catch (IOException e) {
          throw new UncheckedIOException(
              "cannot remove abandoned temp file " + temp + "; check the state directory", e);
        }
      }
    }
  }
}
