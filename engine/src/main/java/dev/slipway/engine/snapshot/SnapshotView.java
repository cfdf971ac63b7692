package dev.slipway.engine.snapshot;

import java.io.IOException;
import java.nio.file.Path;

/** A read-only view of a committed snapshot; closing releases its mount. */
public final class SnapshotView implements AutoCloseable {

  /** What releases the view: unmounting and deleting the mount point, or nothing for copies. */
  @FunctionalInterface
  interface Release {
    void run() throws IOException;
  }

  private final String key;
  private final Path rootfs;
  private final Release release;
  private boolean closed;

  SnapshotView(String key, Path rootfs, Release release) {
    this.key = key;
    this.rootfs = rootfs;
    this.release = release;
  }

  public String key() {
    return key;
  }

  public Path rootfs() {
    return rootfs;
  }

  @Override
  public synchronized void close() throws IOException {
    if (!closed) {
      closed = true;
      release.run();
    }
  }
}
