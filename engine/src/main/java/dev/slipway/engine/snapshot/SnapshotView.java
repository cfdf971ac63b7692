package dev.slipway.engine.snapshot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** A read-only view of a committed snapshot; closing releases its mount. */
public final class SnapshotView implements AutoCloseable {

  /** What releases the view: unmounting and deleting the mount point, or nothing for copies. */
  @FunctionalInterface
  interface Release {
    void run() throws IOException;
  }

  private final String key;
  private final Path rootfs;
  private final Path layer;
  private final Release release;
  private boolean closed;

  SnapshotView(String key, Path rootfs, Release release) {
    this(key, rootfs, null, release);
  }

  SnapshotView(String key, Path rootfs, Path layer, Release release) {
    this.key = key;
    this.rootfs = rootfs;
    this.layer = layer;
    this.release = release;
  }

  public String key() {
    return key;
  }

  public Path rootfs() {
    return rootfs;
  }

  /**
   * The committed layer directory that holds this view's whole tree as it is on disk (an overlay
   * view of a snapshot without parent), so its files can be hard linked; empty otherwise. Read
   * only, like the view.
   */
  public Optional<Path> layer() {
    return Optional.ofNullable(layer);
  }

  @Override
  public synchronized void close() throws IOException {
    if (!closed) {
      closed = true;
      release.run();
    }
  }
}
