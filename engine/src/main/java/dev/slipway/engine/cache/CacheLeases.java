package dev.slipway.engine.cache;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What running builds are using: cache record keys, snapshot keys, context mirrors and cache
 * mounts, each by its id. A build holds an id before it looks the thing up and keeps it until the
 * build ends; the garbage collector removes a thing only while nobody holds it, under the same
 * monitor, so a build never finds half of a result it was promised.
 */
public final class CacheLeases {
  /** Lease id of a client context's mirror directory: this prefix and the directory's name. */
  public static final String CONTEXT_PREFIX = "contexts/";

  /** Lease id of a cache mount directory: this prefix and the directory's name. */
  public static final String CACHE_MOUNT_PREFIX = "cache-mounts/";

  private final Map<String, Integer> held = new HashMap<>();
  private final List<BuildLease> builds = new ArrayList<>();

  /** Starts the lease of one build; close it when the build (and its export) is over. */
  public synchronized BuildLease open() {
    BuildLease lease = new BuildLease(Instant.now());
    builds.add(lease);
    return lease;
  }

  public synchronized boolean isHeld(String id) {
    return held.containsKey(id);
  }

  /**
   * When the oldest running build started: blobs written after it may belong to a build that has
   * not referenced them yet.
   */
  public synchronized Optional<Instant> oldestBuildStart() {
    return builds.stream().map(BuildLease::started).min(Instant::compareTo);
  }

  /** Something the collector deletes, named by the ids a build would hold it by. */
  interface Removal {
    void run() throws IOException;
  }

  /** Runs {@code removal} unless a build holds one of {@code ids}; returns whether it ran. */
  synchronized boolean removeUnlessHeld(Collection<String> ids, Removal removal)
      throws IOException {
    for (String id : ids) {
      if (held.containsKey(id)) {
        return false;
      }
    }
    removal.run();
    return true;
  }

  private synchronized void hold(BuildLease lease, String id) {
    if (lease.ids.add(id)) {
      held.merge(id, 1, Integer::sum);
    }
  }

  private synchronized void release(BuildLease lease) {
    for (String id : lease.ids) {
      held.computeIfPresent(id, (k, n) -> n == 1 ? null : n - 1);
    }
    lease.ids.clear();
    builds.remove(lease);
  }

  /** The ids one build holds. */
  public final class BuildLease implements AutoCloseable {
    private final Instant started;
    private final java.util.Set<String> ids = new java.util.HashSet<>();

    private BuildLease(Instant started) {
      this.started = started;
    }

    Instant started() {
      return started;
    }

    /** Keeps {@code id} (null is ignored) from being collected until the build ends. */
    public void hold(String id) {
      if (id != null) {
        CacheLeases.this.hold(this, id);
      }
    }

    @Override
    public void close() {
      release(this);
    }
  }
}
