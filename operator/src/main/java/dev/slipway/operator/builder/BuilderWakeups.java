package dev.slipway.operator.builder;

import dev.slipway.api.resource.Builder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Wakes a Builder when its queue changed (a BuildRequest arrived, started or ended), so that the
 * autoscaler sees it within {@link #INTERVAL} instead of at the next status refresh. Wakes are
 * coalesced to one reconcile per Builder and interval: a burst of 500 requests costs a handful of
 * Builder reconciles, not 500 status writes.
 */
public final class BuilderWakeups extends SimpleInboundEventSource<Builder> {

  static final Duration INTERVAL = Duration.ofSeconds(1);

  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "slipway-builder-wakeups");
            t.setDaemon(true);
            return t;
          });
  private final Map<ResourceID, Long> lastWake = new ConcurrentHashMap<>();
  private final Map<ResourceID, Boolean> pending = new ConcurrentHashMap<>();

  public BuilderWakeups() {
    super("builder-wakeups");
  }

  /** Reconciles the Builder soon: at once after a quiet interval, else at its end. */
  public void soon(String namespace, String builder) {
    ResourceID id = new ResourceID(builder, namespace);
    if (pending.putIfAbsent(id, Boolean.TRUE) != null) {
      return;
    }
    long wait = Math.max(0, lastWake.getOrDefault(id, 0L) + INTERVAL.toNanos() - System.nanoTime());
    timer.schedule(
        () -> {
          // In this order: a change that finds no pending wake also finds this one's time.
          lastWake.put(id, System.nanoTime());
          pending.remove(id);
          if (isRunning()) {
            propagateEvent(id);
          }
        },
        wait,
        TimeUnit.NANOSECONDS);
  }

  @Override
  public void stop() {
    timer.shutdownNow();
    super.stop();
  }
}
