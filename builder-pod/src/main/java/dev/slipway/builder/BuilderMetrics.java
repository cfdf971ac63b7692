package dev.slipway.builder;

import com.google.protobuf.Timestamp;
import dev.slipway.api.control.v1.BuildState;
import dev.slipway.api.control.v1.ByteProgress;
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
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What an operator of the builder wants on a dashboard, in Prometheus form: builds by result and
 * their durations, step durations, cache hits and misses, bytes from client sessions and
 * registries, active builds and sessions, cache disk usage and the size the cache is kept to. The
 * chart's Grafana dashboard (deploy/helm/slipway/files) queries these names; docs/observability.md
 * lists them.
 *
 * <p>Every series exists from the start (counters at zero), so rates and ratios have data before
 * the first build, and a scrape shows the whole set.
 */
final class BuilderMetrics implements SessionTraffic {
  /** Bucket bounds of whole builds: seconds to an hour. */
  static final Duration[] BUILD_BUCKETS =
      seconds(1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600);

  /** Bucket bounds of steps that ran: a tenth of a second to half an hour. */
  static final Duration[] STEP_BUCKETS =
      seconds(0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800);

  private static final BuildState[] ENDINGS = {
    BuildState.BUILD_STATE_SUCCEEDED,
    BuildState.BUILD_STATE_FAILED,
    BuildState.BUILD_STATE_CANCELLED
  };

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Timer stepDuration;
  private final Counter cacheHits;
  private final Counter cacheMisses;
  private final Counter sessionBytes;
  private final Counter sessionFileBytes;
  private final Counter registryPulled;
  private final Counter registryPushed;
  private final Map<BuildState, Counter> builds = new EnumMap<>(BuildState.class);
  private final Map<BuildState, Timer> buildDurations = new EnumMap<>(BuildState.class);

  BuilderMetrics(Supplier<Number> activeBuilds, Supplier<Number> activeSessions) {
    stepDuration =
        Timer.builder("slipway.step.duration")
            .description("Time of build steps that ran (not cached)")
            .serviceLevelObjectives(STEP_BUCKETS)
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
    registryPulled =
        Counter.builder("slipway.registry.pulled.bytes")
            .description("Bytes of completed pulls from registries (layers, configs, caches)")
            .register(registry);
    registryPushed =
        Counter.builder("slipway.registry.pushed.bytes")
            .description("Bytes of completed pushes to registries")
            .register(registry);
    for (BuildState ending : ENDINGS) {
      builds.put(
          ending,
          Counter.builder("slipway.builds")
              .description("Builds that ended, by result")
              .tag("result", result(ending))
              .register(registry));
      buildDurations.put(
          ending,
          Timer.builder("slipway.build.duration")
              .description("Time of builds from start to end, by result")
              .tag("result", result(ending))
              .serviceLevelObjectives(BUILD_BUCKETS)
              .register(registry));
    }
    Gauge.builder("slipway.builds.active", activeBuilds)
        .description("Builds running now")
        .register(registry);
    Gauge.builder("slipway.sessions.active", activeSessions)
        .description("Client sessions attached now")
        .register(registry);
  }

  /** Cache size, computed when scraped (the engine walks its cache index). */
  void cacheBytes(Supplier<Number> bytes) {
    Gauge.builder("slipway.cache.bytes", bytes)
        .description("Bytes held by the build cache")
        .register(registry);
  }

  /** The size the cache collector prunes down to (--cache-keep-bytes); zero: no bound. */
  void cacheKeepBytes(long bytes) {
    Gauge.builder("slipway.cache.keep.bytes", () -> bytes)
        .description("The size the cache is collected down to; 0 means no bound")
        .register(registry);
  }

  void observe(SolveEvent event) {
    if (event.hasBytes()) {
      transferred(event.getBytes());
      return;
    }
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

  /** A transfer counts once, when it completes: progress updates before then repeat its bytes. */
  private void transferred(ByteProgress progress) {
    if (!progress.getCompleted() || progress.getCurrent() <= 0) {
      return;
    }
    switch (progress.getKind()) {
      case TRANSFER_KIND_PULL -> registryPulled.increment(progress.getCurrent());
      case TRANSFER_KIND_PUSH -> registryPushed.increment(progress.getCurrent());
      default -> {}
    }
  }

  void buildFinished(BuildState state, Duration took) {
    Counter count = builds.get(state);
    if (count == null) {
      // not an ending (a build always ends in one of ENDINGS); counted under its own name
      Counter.builder("slipway.builds").tag("result", result(state)).register(registry).increment();
      return;
    }
    count.increment();
    buildDurations.get(state).record(took);
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

  private static String result(BuildState state) {
    return state.name().substring("BUILD_STATE_".length()).toLowerCase(Locale.ROOT);
  }

  private static Duration between(Timestamp a, Timestamp b) {
    return Duration.ofSeconds(b.getSeconds() - a.getSeconds(), b.getNanos() - a.getNanos());
  }

  private static Duration[] seconds(double... bounds) {
    Duration[] out = new Duration[bounds.length];
    for (int i = 0; i < bounds.length; i++) {
      out[i] = Duration.ofNanos(Math.round(bounds[i] * 1e9));
    }
    return out;
  }
}
