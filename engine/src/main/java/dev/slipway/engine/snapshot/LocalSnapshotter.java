package dev.slipway.engine.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The lifecycle shared by both snapshotters: keys, ids, crash-safe commits and reference checks.
 * Subclasses decide how a rootfs is made (mounted or copied) and how a layer's changes are found.
 *
 * <p>Crash safety: a snapshot is committed exactly when {@code s/ID.json} exists. Its layer
 * directory is renamed into place first and the record written (temp + rename) after, so a crash in
 * between leaves a directory without record, which recovery deletes.
 */
abstract class LocalSnapshotter implements Snapshotter {

  protected final StateDirectory state;
  private final Map<String, CommittedSnapshot> committed = new HashMap<>();
  private final Map<String, ActiveSnapshot> active = new HashMap<>();

  /** Keys being committed or prepared right now, so two callers cannot take the same key. */
  private final Set<String> reserved = new HashSet<>();

  /** Committed key → number of open views on it. */
  private final Map<String, Integer> viewUsers = new HashMap<>();

  private final Map<Path, SnapshotView> views = new HashMap<>();
  private final AtomicLong nextId;

  protected LocalSnapshotter(StateDirectory state) throws IOException {
    this.state = state;
    for (long id : state.committedIds()) {
      StateDirectory.SnapshotRecord record = state.readRecord(id);
      committed.put(
          record.key(),
          new CommittedSnapshot(
              record.key(), Optional.ofNullable(record.parent()), id, state.committed(id)));
    }
    this.nextId = new AtomicLong(state.highestId() + 1);
  }

  /** Makes {@code rootfs} show the tree of {@code chain} (top layer first; empty for scratch). */
  protected abstract void createRootfs(Path activeDir, Path rootfs, List<CommittedSnapshot> chain)
      throws IOException;

  /** Releases the rootfs and returns the directory holding the layer to be committed. */
  protected abstract Path sealLayer(Path activeDir, Path rootfs) throws IOException;

  /** Releases the rootfs of a discarded snapshot (unmounts it if mounted). */
  protected abstract void releaseRootfs(Path rootfs) throws IOException;

  protected abstract SnapshotView openView(
      CommittedSnapshot snapshot, List<CommittedSnapshot> chain, Path mountPoint, Runnable released)
      throws IOException;

  protected abstract LayerDiff computeDiff(
      CommittedSnapshot snapshot, Optional<CommittedSnapshot> parent) throws IOException;

  @Override
  public ActiveSnapshot prepare(String key, String parentKey) throws IOException {
    List<CommittedSnapshot> chain;
    ActiveSnapshot snapshot;
    synchronized (this) {
      requireFreeKey(key);
      chain = chain(parentKey);
      long id = nextId.getAndIncrement();
      snapshot =
          new ActiveSnapshot(
              this, key, Optional.ofNullable(parentKey), id, state.active(id).resolve("rootfs"));
      active.put(key, snapshot);
    }
    Path activeDir = state.active(snapshot.id());
    try {
      Files.createDirectories(activeDir);
      createRootfs(activeDir, snapshot.rootfs(), chain);
      return snapshot;
    } catch (IOException | RuntimeException e) {
      discard(snapshot);
      throw e;
    }
  }

  @Override
  public CommittedSnapshot commit(ActiveSnapshot snapshot, String key, LayerEdit edit)
      throws IOException {
    synchronized (this) {
      if (snapshot.owner() != this || snapshot.isFinished()) {
        throw new SnapshotException(
            "cannot commit " + snapshot + ": it was already committed or discarded");
      }
      if (!key.equals(snapshot.key())) {
        requireFreeKey(key);
      }
      reserved.add(key);
    }
    long id = snapshot.id();
    Path activeDir = state.active(id);
    try {
      Path layer = sealLayer(activeDir, snapshot.rootfs());
      edit.apply(layer);
      Files.move(layer, state.committed(id), StandardCopyOption.ATOMIC_MOVE);
      state.writeRecord(id, new StateDirectory.SnapshotRecord(key, snapshot.parent().orElse(null)));
      CommittedSnapshot result =
          new CommittedSnapshot(key, snapshot.parent(), id, state.committed(id));
      synchronized (this) {
        snapshot.finish();
        active.remove(snapshot.key());
        committed.put(key, result);
      }
      StateDirectory.deleteTree(activeDir);
      return result;
    } catch (IOException | RuntimeException e) {
      discard(snapshot);
      throw e;
    } finally {
      synchronized (this) {
        reserved.remove(key);
      }
    }
  }

  /** Unmounts and deletes an active snapshot that was not committed; idempotent. */
  void discard(ActiveSnapshot snapshot) throws IOException {
    if (!snapshot.finish()) {
      return;
    }
    try {
      releaseRootfs(snapshot.rootfs());
      StateDirectory.deleteTree(state.active(snapshot.id()));
    } finally {
      synchronized (this) {
        active.remove(snapshot.key());
      }
    }
  }

  @Override
  public SnapshotView view(String key) throws IOException {
    CommittedSnapshot snapshot;
    List<CommittedSnapshot> chain;
    synchronized (this) {
      chain = chain(key);
      snapshot = chain.get(0);
      viewUsers.merge(key, 1, Integer::sum);
    }
    Path mountPoint = state.view(nextId.getAndIncrement());
    Runnable released =
        () -> {
          synchronized (this) {
            viewUsers.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
            views.remove(mountPoint);
          }
        };
    try {
      SnapshotView view = openView(snapshot, chain, mountPoint, released);
      synchronized (this) {
        views.put(mountPoint, view);
      }
      return view;
    } catch (IOException | RuntimeException e) {
      released.run();
      throw e;
    }
  }

  @Override
  public CommittedSnapshot applyLayer(String key, String parentKey, InputStream uncompressedTar)
      throws IOException {
    try (ActiveSnapshot snapshot = prepare(key, parentKey)) {
      new LayerApplier(snapshot.rootfs()).apply(uncompressedTar);
      return commit(snapshot, key);
    }
  }

  @Override
  public LayerDiff diff(String key) throws IOException {
    CommittedSnapshot snapshot;
    Optional<CommittedSnapshot> parent;
    synchronized (this) {
      snapshot = requireCommitted(key);
      parent = snapshot.parent().map(committed::get);
    }
    return computeDiff(snapshot, parent);
  }

  @Override
  public synchronized Optional<CommittedSnapshot> get(String key) {
    return Optional.ofNullable(committed.get(key));
  }

  @Override
  public synchronized List<CommittedSnapshot> list() {
    List<CommittedSnapshot> all = new ArrayList<>(committed.values());
    all.sort(Comparator.comparingLong(CommittedSnapshot::id));
    return all;
  }

  @Override
  public java.time.Instant committedAt(String key) throws IOException {
    long id;
    synchronized (this) {
      id = requireCommitted(key).id();
    }
    return state.recordTime(id);
  }

  @Override
  public void remove(String key) throws IOException {
    CommittedSnapshot snapshot;
    synchronized (this) {
      snapshot = requireCommitted(key);
      List<String> users = new ArrayList<>();
      committed.values().stream()
          .filter(c -> c.parent().equals(Optional.of(key)))
          .forEach(c -> users.add("snapshot \"" + c.key() + "\""));
      active.values().stream()
          .filter(a -> a.parent().equals(Optional.of(key)))
          .forEach(a -> users.add("active snapshot \"" + a.key() + "\""));
      if (viewUsers.containsKey(key)) {
        users.add(viewUsers.get(key) + " open view(s)");
      }
      if (!users.isEmpty()) {
        throw new SnapshotException(
            "cannot remove snapshot \"" + key + "\": still used by " + String.join(", ", users));
      }
      committed.remove(key);
    }
    // The record goes first: from then on the directory is garbage, whatever happens next.
    state.deleteRecord(snapshot.id());
    StateDirectory.deleteTree(snapshot.directory());
  }

  @Override
  public void close() throws IOException {
    List<ActiveSnapshot> leftActive;
    List<SnapshotView> leftViews;
    synchronized (this) {
      leftActive = new ArrayList<>(active.values());
      leftViews = new ArrayList<>(views.values());
    }
    IOException failure = null;
    for (AutoCloseable resource : concat(leftActive, leftViews)) {
      try {
        resource.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new SnapshotException("releasing snapshots in " + state.root() + " failed", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    state.unlock();
    if (failure != null) {
      throw failure;
    }
  }

  private static List<AutoCloseable> concat(
      List<? extends AutoCloseable> a, List<? extends AutoCloseable> b) {
    List<AutoCloseable> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** The committed snapshot {@code key} followed by its ancestors; empty for a null key. */
  private List<CommittedSnapshot> chain(String key) throws SnapshotException {
    List<CommittedSnapshot> chain = new ArrayList<>();
    Optional<String> next = Optional.ofNullable(key);
    while (next.isPresent()) {
      CommittedSnapshot snapshot = requireCommitted(next.get());
      chain.add(snapshot);
      next = snapshot.parent();
    }
    return chain;
  }

  private CommittedSnapshot requireCommitted(String key) throws SnapshotException {
    CommittedSnapshot snapshot = committed.get(key);
    if (snapshot == null) {
      throw new SnapshotException(
          "no committed snapshot \""
              + key
              + "\" in "
              + state.root()
              + (active.containsKey(key) ? "; it is still active: commit it first" : ""));
    }
    return snapshot;
  }

  private void requireFreeKey(String key) throws SnapshotException {
    if (key == null || key.isEmpty()) {
      throw new SnapshotException("a snapshot needs a non-empty key");
    }
    if (committed.containsKey(key) || active.containsKey(key) || reserved.contains(key)) {
      throw new SnapshotException(
          "snapshot key \"" + key + "\" is already in use in " + state.root() + "; pick another");
    }
  }
}
