package dev.slipway.engine.snapshot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A writable snapshot being built by one step. Its owner either commits it or closes it, which
 * unmounts and deletes it.
 */
public final class ActiveSnapshot implements AutoCloseable {

  private final LocalSnapshotter owner;
  private final String key;
  private final Optional<String> parent;
  private final long id;
  private final Path rootfs;
  private boolean finished;

  ActiveSnapshot(
      LocalSnapshotter owner, String key, Optional<String> parent, long id, Path rootfs) {
    this.owner = owner;
    this.key = key;
    this.parent = parent;
    this.id = id;
    this.rootfs = rootfs;
  }

  public String key() {
    return key;
  }

  public Optional<String> parent() {
    return parent;
  }

  /** The mounted (overlay) or copied root filesystem a step reads and writes. */
  public Path rootfs() {
    return rootfs;
  }

  long id() {
    return id;
  }

  LocalSnapshotter owner() {
    return owner;
  }

  synchronized boolean isFinished() {
    return finished;
  }

  /** Marks it committed or discarded; returns false when it already was. */
  synchronized boolean finish() {
    boolean wasOpen = !finished;
    finished = true;
    return wasOpen;
  }

  /** Discards the snapshot unless it was committed. */
  @Override
  public void close() throws IOException {
    owner.discard(this);
  }

  @Override
  public String toString() {
    return "active snapshot \"" + key + "\" at " + rootfs;
  }
}
