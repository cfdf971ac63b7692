package dev.slipway.operator.build;

import dev.slipway.api.resource.BuildRequest;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Wakes BuildRequests up when something outside Kubernetes changed: their build's progress, or a
 * slot that freed up on their Builder. Progress is coalesced to at most one reconcile per build and
 * {@link #PROGRESS_INTERVAL} (so a chatty build does not hammer the API server with status writes);
 * ends of builds and freed slots are delivered at once.
 */
public final class BuildWakeups extends SimpleInboundEventSource<BuildRequest> {

  static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(1);

  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "slipway-build-wakeups");
            t.setDaemon(true);
            return t;
          });
  private final Map<ResourceID, Long> lastWake = new ConcurrentHashMap<>();
  private final Map<ResourceID, Boolean> pending = new ConcurrentHashMap<>();

  public BuildWakeups() {
    super("build-wakeups");
  }

  /** Reconciles the request now. */
  public void now(ResourceID request) {
    lastWake.put(request, System.nanoTime());
    if (isRunning()) {
      propagateEvent(request);
    }
  }

  /** Reconciles the request soon, at most once per {@link #PROGRESS_INTERVAL}. */
  public void soon(ResourceID request) {
    if (pending.putIfAbsent(request, Boolean.TRUE) != null) {
      return;
    }
    long last = lastWake.getOrDefault(request, 0L);
    long wait = Math.max(0, last + PROGRESS_INTERVAL.toNanos() - System.nanoTime());
    timer.schedule(
        () -> {
          pending.remove(request);
          now(request);
        },
        wait,
        TimeUnit.NANOSECONDS);
  }

  /** Forgets a request that was deleted. */
  public void forget(ResourceID request) {
    lastWake.remove(request);
  }

  @Override
  public void stop() {
    timer.shutdownNow();
    super.stop();
  }
}
