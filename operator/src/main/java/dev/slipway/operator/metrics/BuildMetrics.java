package dev.slipway.operator.metrics;

import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.operator.build.BuildRequestReconciler;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import java.util.Objects;

/**
 * Gauges of the builds the operator knows, from its informer cache: BuildRequests by phase ({@code
 * slipway_buildrequests{phase}}; "None" for ones not reconciled yet) and the queue length ({@code
 * slipway_build_queue_length}). Reconcile counts and durations come from the Operator SDK's own
 * Micrometer metrics.
 */
@Startup
@Singleton
public class BuildMetrics {

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
  }

  private static double count(BuildRequestReconciler reconciler, BuildPhase phase) {
    return reconciler.cachedRequests().filter(r -> Objects.equals(phaseOf(r), phase)).count();
  }

  private static BuildPhase phaseOf(BuildRequest request) {
    return request.getStatus() == null ? null : request.getStatus().getPhase();
  }
}
