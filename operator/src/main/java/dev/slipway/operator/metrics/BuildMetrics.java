package dev.slipway.operator.metrics;

import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.operator.build.BuildRequestReconciler;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Objects;

/**
 * Gauges of the builds the operator knows, from its informer cache: BuildRequests by phase ({@code
 * slipway_buildrequests{phase}}; "None" for ones not reconciled yet) and the queue length ({@code
 * slipway_build_queue_length}), and how long builds waited for a pod ({@code
 * slipway_build_queue_wait_seconds}, a histogram). Reconcile counts and durations come from the
 * Operator SDK's own Micrometer metrics. docs/observability.md lists them all.
 */
@Startup
@Singleton
public class BuildMetrics {
  /** Bucket bounds of queue waits: placed at once, to half an hour behind others. */
  static final Duration[] QUEUE_WAIT_BUCKETS = {
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(2),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofMinutes(1),
    Duration.ofMinutes(2),
    Duration.ofMinutes(5),
    Duration.ofMinutes(10),
    Duration.ofMinutes(30)
  };

  public BuildMetrics(MeterRegistry registry, BuildRequestReconciler reconciler) {
    for (BuildPhase phase : BuildPhase.values()) {
      Gauge.builder("slipway.buildrequests", reconciler, r -> count(r, phase))
          .description("BuildRequests by phase")
          .tag("phase", phase.wireName())
          .register(registry);
    }
    Gauge.builder("slipway.buildrequests", reconciler, r -> count(r, null))
        .description("BuildRequests by phase")
        .tag("phase", "None")
        .register(registry);
    Gauge.builder(
            "slipway.build.queue.length",
            reconciler,
            r -> count(r, BuildPhase.QUEUED) + count(r, BuildPhase.WAITING_FOR_POD))
        .description("BuildRequests waiting for a free builder pod or for one to start")
        .register(registry);
    Timer queueWait =
        Timer.builder("slipway.build.queue.wait")
            .description("Time from a BuildRequest's creation to its placement on a builder pod")
            .serviceLevelObjectives(QUEUE_WAIT_BUCKETS)
            .register(registry);
    reconciler.queueWaits().listen(queueWait::record);
  }

  private static double count(BuildRequestReconciler reconciler, BuildPhase phase) {
    return reconciler.cachedRequests().filter(r -> Objects.equals(phaseOf(r), phase)).count();
  }

  private static BuildPhase phaseOf(BuildRequest request) {
    return request.getStatus() == null ? null : request.getStatus().getPhase();
  }
}
