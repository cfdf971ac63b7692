package dev.slipway.builder;

import dev.slipway.api.control.v1.PruneRequest;
import dev.slipway.api.control.v1.PruneResponse;
import dev.slipway.engine.Engine;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a builder's cache within the bounds its Builder resource sets (cache.keepBytes,
 * cache.keepDuration): prunes every few minutes, least recently used first, never what a running
 * build uses.
 */
final class CacheCollector implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(CacheCollector.class.getName());
  private static final long PERIOD_MINUTES = 5;

  private final ScheduledExecutorService timer;

  CacheCollector(Engine engine, Optional<PruneRequest> bounds) {
    if (bounds.isEmpty()) {
      timer = null;
      return;
    }
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "cache-gc");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(
        () -> collect(engine, bounds.get()), PERIOD_MINUTES, PERIOD_MINUTES, TimeUnit.MINUTES);
  }

  private static void collect(Engine engine, PruneRequest bounds) {
    try {
      PruneResponse freed = engine.prune(bounds);
      if (freed.getReclaimedBytes() > 0) {
        LOG.log(
            System.Logger.Level.INFO,
            "cache garbage collection freed {0} bytes ({1} items)",
            freed.getReclaimedBytes(),
            freed.getRemovedCount());
      }
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, "cache garbage collection failed: {0}", e.getMessage());
    }
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
