package dev.slipway.engine.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Layered root filesystems for build steps, as containerd's snapshotters provide them to BuildKit.
 *
 * <p>A step {@link #prepare prepares} a writable snapshot on top of its input, runs in its rootfs
 * and {@link #commit commits} it; the committed snapshot is immutable and knows its {@link #diff
 * changes} relative to its parent. Base image layers become committed snapshots through {@link
 * #applyLayer}. Keys are the caller's names (typically cache keys) and are unique among active and
 * committed snapshots. Open with {@link Snapshotters#open}. Thread-safe.
 */
public interface Snapshotter extends AutoCloseable {

  SnapshotterMode mode();

  /**
   * Creates a writable snapshot whose rootfs shows {@code parentKey}'s tree (empty when {@code
   * parentKey} is null). Closing the returned snapshot without committing discards it.
   */
  ActiveSnapshot prepare(String key, String parentKey) throws IOException;

  /** Freezes {@code active} as a committed snapshot named {@code key}; its rootfs goes away. */
  default CommittedSnapshot commit(ActiveSnapshot active, String key) throws IOException {
    return commit(active, key, layer -> {});
  }

  /**
   * Commits like {@link #commit(ActiveSnapshot, String)}, but first lets {@code edit} change the
   * directory that becomes the layer, after the rootfs is released (unmounted) and before the layer
   * is frozen: the one moment the layer may be written directly.
   */
  CommittedSnapshot commit(ActiveSnapshot active, String key, LayerEdit edit) throws IOException;

  /** A last change to a layer's directory before it is committed. */
  @FunctionalInterface
  interface LayerEdit {
    void apply(Path layer) throws IOException;
  }

  /** Commits under the key the snapshot was prepared with. */
  default CommittedSnapshot commit(ActiveSnapshot active) throws IOException {
    return commit(active, active.key());
  }

  /**
   * A read-only view of a committed snapshot's tree, for reading (COPY --from, exports). With the
   * copy snapshotter the view is the committed tree itself and read-only only by contract.
   */
  SnapshotView view(String key) throws IOException;

  /**
   * Creates a committed snapshot {@code key} on {@code parentKey} (null for none) from an
   * uncompressed layer tar, honouring OCI whiteouts and opaque directories. Entries whose paths
   * would leave the root are refused with {@link LayerPathEscapeException}; nothing is committed
   * then.
   */
  CommittedSnapshot applyLayer(String key, String parentKey, InputStream uncompressedTar)
      throws IOException;

  /**
   * The changes of committed snapshot {@code key} relative to its parent. Its entries point at
   * files inside the snapshot, valid while it is not removed.
   */
  LayerDiff diff(String key) throws IOException;

  Optional<CommittedSnapshot> get(String key);

  List<CommittedSnapshot> list();

  /** When {@code key} was committed: the age of a snapshot that no cache record describes. */
  java.time.Instant committedAt(String key) throws IOException;

  /** Deletes a committed snapshot; refused while a snapshot, view or active one builds on it. */
  void remove(String key) throws IOException;

  /** Discards every active snapshot and view still open. Committed snapshots stay. */
  @Override
  void close() throws IOException;
}
