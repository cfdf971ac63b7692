package dev.slipway.engine.solver;

import dev.slipway.engine.content.Digest;
import dev.slipway.engine.graph.ExecOp.CacheSharing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The directories behind {@code RUN --mount=type=cache}: they persist across builds, keyed by cache
 * id. {@code shared} lets concurrent steps use one directory, {@code locked} makes them take turns,
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

  Lease acquire(String id, CacheSharing sharing) throws IOException {
    String name = Digest.of(id.getBytes(StandardCharsets.UTF_8)).hex();
    CacheSharing mode = sharing == null ? CacheSharing.SHARED : sharing;
    if (mode == CacheSharing.LOCKED) {
      ReentrantLock lock;
      synchronized (this) {
        lock = locks.computeIfAbsent(name, k -> new ReentrantLock(true));
      }
      lock.lock();
      return lease(directory(name), lock::unlock);
    }
    synchronized (this) {
      int inUse = users.getOrDefault(name, 0);
      if (mode == CacheSharing.PRIVATE && inUse > 0) {
        return lease(directory(name + "-" + UUID.randomUUID()), () -> {});
      }
      users.put(name, inUse + 1);
    }
    return lease(
        directory(name),
        () -> {
          synchronized (this) {
            users.merge(name, -1, Integer::sum);
          }
        });
  }

  /** The executor creates the directory itself, applying the mount's owner and mode. */
  private Path directory(String name) throws IOException {
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
          release.run();
        }
      }
    };
  }
}
