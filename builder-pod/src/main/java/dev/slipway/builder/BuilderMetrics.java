package dev.slipway.builder;

import com.google.protobuf.Timestamp;
import dev.slipway.api.control.v1.BuildState;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.VertexEvent;
import dev.slipway.api.control.v1.VertexState;
import dev.slipway.session.builder.SessionTraffic;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * What an operator of the builder wants on a dashboard, in Prometheus form: builds by result and
 * their durations, step durations, cache hits and misses, bytes pulled from client sessions, active
 * builds and sessions, cache disk usage.
 */
final class BuilderMetrics implements SessionTraffic {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Timer stepDuration;
  private final Counter cacheHits;
  private final Counter cacheMisses;
  private final Counter sessionBytes;
  private final Counter sessionFileBytes;

  BuilderMetrics(Supplier<Number> activeBuilds, Supplier<Number> activeSessions) {
    stepDuration =
        Timer.builder("slipway.step.duration")
            .description("Time of build steps that ran (not cached)")
            .register(registry);
    cacheHits =
        Counter.builder("slipway.cache.hits")
            .description("Steps found in the cache")
            .register(registry);
    cacheMisses =
        Counter.builder("slipway.cache.misses")
            .description("Steps that had to run")
            .register(registry);
    sessionBytes =
        Counter.builder("slipway.session.received.bytes")
            .description("Bytes received from client sessions (every message, as sent)")
            .register(registry);
    sessionFileBytes =
        Counter.builder("slipway.session.file.bytes")
            .description("Context file contents received from client sessions")
            .register(registry);
    Gauge.builder("slipway.builds.active", activeBuilds).register(registry);
    Gauge.builder("slipway.sessions.active", activeSessions).register(registry);
  }

  /** Cache size, computed when scraped (the engine walks its cache index). */
  void cacheBytes(Supplier<Number> bytes) {
    Gauge.builder("slipway.cache.bytes", bytes)
        .description("Bytes held by the build cache")
        .register(registry);
  }

  void observe(SolveEvent event) {
    if (!event.hasVertex()) {
      return;
    }
    VertexEvent v = event.getVertex();
    if (v.getState() == VertexState.VERTEX_STATE_CACHED) {
      cacheHits.increment();
    } else if (v.getState() == VertexState.VERTEX_STATE_DONE) {
      cacheMisses.increment();
      if (v.hasStarted() && v.hasCompleted()) {
        stepDuration.record(between(v.getStarted(), v.getCompleted()));
      }
    }
  }

  void buildFinished(BuildState state, Duration took) {
    String result = state.name().substring("BUILD_STATE_".length()).toLowerCase(Locale.ROOT);
    Counter.builder("slipway.builds").tag("result", result).register(registry).increment();
    Timer.builder("slipway.build.duration").tag("result", result).register(registry).record(took);
  }

  @Override
  public void received(long bytes) {
    sessionBytes.increment(bytes);
  }

  @Override
  public void fileBytes(long bytes) {
    sessionFileBytes.increment(bytes);
  }

  String scrape() {
    return registry.scrape();
  }

  private static Duration between(Timestamp a, Timestamp b) {
    return Duration.ofSeconds(b.getSeconds() - a.getSeconds(), b.getNanos() - a.getNanos());
  }
}
