package dev.slipway.engine.solver;

import dev.slipway.engine.cache.CacheLeases;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.graph.ExecOp.CacheSharing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The directories behind {@code RUN --mount=type=cache}: they persist across builds, keyed by the
 * tenant and the cache id, so builds of one tenant share them (as BuildKit's builds share a
 * daemon's) but no build reads or plants what another tenant's builds downloaded. {@code shared} lets concurrent steps use one directory, {@code locked} makes them take turns,
 * {@code private} gives a step that finds the directory in use a fresh one.
 */
final class CacheMounts {
  private final Path root;
  private final Map<String, ReentrantLock> locks = new HashMap<>();
  private final Map<String, Integer> users = new HashMap<>();

  CacheMounts(Path root) {
    this.root = root;
  }

  /** A directory the caller uses until it closes the lease. */
  interface Lease extends AutoCloseable {
    Path directory();

    @Override
    void close();
  }

  /**
   * @param tenant whose builds share the directory ({@code Principals.tenant} of the build's owner)
   * @param build holds the directory for the build, so the garbage collector leaves it alone
   */
  Lease acquire(String tenant, String id, CacheSharing sharing, CacheLeases.BuildLease build)
      throws IOException {
    String name = Digest.of((tenant + "\0" + id).getBytes(StandardCharsets.UTF_8)).hex();
    CacheSharing mode = sharing == null ? CacheSharing.SHARED : sharing;
    if (mode == CacheSharing.LOCKED) {
      ReentrantLock lock;
      synchronized (this) {
        lock = locks.computeIfAbsent(name, k -> new ReentrantLock(true));
      }
      lock.lock();
      return lease(directory(name, build), lock::unlock);
    }
    synchronized (this) {
      int inUse = users.getOrDefault(name, 0);
      if (mode == CacheSharing.PRIVATE && inUse > 0) {
        return lease(directory(name + "-" + UUID.randomUUID(), build), () -> {});
      }
      users.put(name, inUse + 1);
    }
    return lease(
        directory(name, build),
        () -> {
          synchronized (this) {
            users.merge(name, -1, Integer::sum);
          }
        });
  }

  /** The directory's time is its last use, by which the garbage collector ages it. */
  private static void markUsed(Path dir) {
    try {
      Files.setLastModifiedTime(dir, FileTime.from(Instant.now()));
    } catch (IOException e) {
      // Not created (the step failed before mounting it): nothing to age.
    }
  }

  /** The executor creates the directory itself, applying the mount's owner and mode. */
  private Path directory(String name, CacheLeases.BuildLease build) throws IOException {
    build.hold(CacheLeases.CACHE_MOUNT_PREFIX + name);
    return Files.createDirectories(root).resolve(name);
  }

  private static Lease lease(Path dir, Runnable release) {
    return new Lease() {
      private boolean closed;

      @Override
      public Path directory() {
        return dir;
      }

      @Override
      public synchronized void close() {
        if (!closed) {
          closed = true;
          markUsed(dir);
          release.run();
        }
      }
    };
  }
}
