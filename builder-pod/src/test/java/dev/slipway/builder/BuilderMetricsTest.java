package dev.slipway.builder;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import dev.slipway.api.control.v1.BuildState;
import dev.slipway.api.control.v1.ByteProgress;
import dev.slipway.api.control.v1.LogChunk;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.TransferKind;
import dev.slipway.api.control.v1.VertexEvent;
import dev.slipway.api.control.v1.VertexState;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BuilderMetricsTest {
  private final AtomicInteger builds = new AtomicInteger();
  private final AtomicInteger sessions = new AtomicInteger();
  private final BuilderMetrics metrics = new BuilderMetrics(builds::get, sessions::get);

  @Test
  void cachedStepsAreHitsAndStepsThatRanAreMissesWithTheirDuration() {
    metrics.observe(vertex(VertexState.VERTEX_STATE_CACHED, null, null));
    metrics.observe(vertex(VertexState.VERTEX_STATE_STARTED, at(10, 0), null));
    metrics.observe(vertex(VertexState.VERTEX_STATE_DONE, at(10, 0), at(12, 500_000_000)));
    metrics.observe(vertex(VertexState.VERTEX_STATE_DONE, null, null));
    metrics.observe(
        SolveEvent.newBuilder().setLog(LogChunk.getDefaultInstance()).build()); // not a step

    String scrape = metrics.scrape();
    assertThat(scrape).contains("slipway_cache_hits_total 1.0");
    assertThat(scrape).contains("slipway_cache_misses_total 2.0");
    assertThat(scrape).contains("slipway_step_duration_seconds_count 1");
    assertThat(scrape).contains("slipway_step_duration_seconds_sum 2.5");
  }

  @Test
  void finishedBuildsAreCountedAndTimedByResult() {
    metrics.buildFinished(BuildState.BUILD_STATE_SUCCEEDED, Duration.ofSeconds(3));
    metrics.buildFinished(BuildState.BUILD_STATE_SUCCEEDED, Duration.ofSeconds(1));
    metrics.buildFinished(BuildState.BUILD_STATE_CANCELLED, Duration.ofSeconds(2));

    String scrape = metrics.scrape();
    assertThat(scrape).contains("slipway_builds_total{result=\"succeeded\"} 2.0");
    assertThat(scrape).contains("slipway_builds_total{result=\"cancelled\"} 1.0");
    assertThat(scrape).contains("slipway_build_duration_seconds_sum{result=\"succeeded\"} 4.0");
  }

  @Test
  void gaugesReadTheirSourceWhenScrapedAndSessionTrafficIsCounted() {
    metrics.cacheBytes(() -> 4096);
    builds.set(3);
    sessions.set(2);
    metrics.received(100);
    metrics.received(50);
    metrics.fileBytes(70);

    String scrape = metrics.scrape();
    assertThat(scrape).contains("slipway_builds_active 3.0");
    assertThat(scrape).contains("slipway_sessions_active 2.0");
    assertThat(scrape).contains("slipway_cache_bytes 4096.0");
    assertThat(scrape).contains("slipway_session_received_bytes_total 150.0");
    assertThat(scrape).contains("slipway_session_file_bytes_total 70.0");

    builds.set(0);
    assertThat(metrics.scrape()).contains("slipway_builds_active 0.0");
  }

  @Test
  void everySeriesExistsBeforeTheFirstBuildSoRatesHaveData() {
    String scrape = metrics.scrape();
    for (String result : new String[] {"succeeded", "failed", "cancelled"}) {
      assertThat(scrape).contains("slipway_builds_total{result=\"" + result + "\"} 0.0");
      assertThat(scrape)
          .contains(
              "slipway_build_duration_seconds_bucket{result=\"" + result + "\",le=\"+Inf\"} 0");
    }
    assertThat(scrape).contains("slipway_registry_pulled_bytes_total 0.0");
    assertThat(scrape).contains("slipway_registry_pushed_bytes_total 0.0");
    assertThat(scrape).contains("slipway_step_duration_seconds_bucket{le=\"+Inf\"} 0");
  }

  @Test
  void durationsFallIntoBucketsThatHistogramQuantileCanRead() {
    metrics.buildFinished(BuildState.BUILD_STATE_SUCCEEDED, Duration.ofSeconds(3));
    metrics.observe(vertex(VertexState.VERTEX_STATE_DONE, at(10, 0), at(10, 300_000_000)));

    String scrape = metrics.scrape();
    assertThat(scrape)
        .contains("slipway_build_duration_seconds_bucket{result=\"succeeded\",le=\"2.0\"} 0")
        .contains("slipway_build_duration_seconds_bucket{result=\"succeeded\",le=\"5.0\"} 1")
        .contains("slipway_step_duration_seconds_bucket{le=\"0.25\"} 0")
        .contains("slipway_step_duration_seconds_bucket{le=\"0.5\"} 1");
  }

  @Test
  void completedPullsAndPushesCountTheirBytesOnceAndOtherTransfersNot() {
    metrics.observe(bytes(TransferKind.TRANSFER_KIND_PULL, 400, false));
    metrics.observe(bytes(TransferKind.TRANSFER_KIND_PULL, 1000, true));
    metrics.observe(bytes(TransferKind.TRANSFER_KIND_PUSH, 700, false));
    metrics.observe(bytes(TransferKind.TRANSFER_KIND_PUSH, 1500, true));
    metrics.observe(bytes(TransferKind.TRANSFER_KIND_CONTEXT, 90, true));
    metrics.observe(bytes(TransferKind.TRANSFER_KIND_EXPORT, 80, true));

    String scrape = metrics.scrape();
    assertThat(scrape).contains("slipway_registry_pulled_bytes_total 1000.0");
    assertThat(scrape).contains("slipway_registry_pushed_bytes_total 1500.0");
  }

  @Test
  void theKeepSizeIsReportedBesideTheCacheSize() {
    metrics.cacheBytes(() -> 4096);
    metrics.cacheKeepBytes(2048);

    assertThat(metrics.scrape())
        .contains("slipway_cache_bytes 4096.0")
        .contains("slipway_cache_keep_bytes 2048.0");
  }

  private static SolveEvent bytes(TransferKind kind, long current, boolean completed) {
    return SolveEvent.newBuilder()
        .setBytes(
            ByteProgress.newBuilder()
                .setId("sha256:ab")
                .setKind(kind)
                .setCurrent(current)
                .setTotal(current)
                .setCompleted(completed))
        .build();
  }

  private static SolveEvent vertex(VertexState state, Timestamp started, Timestamp completed) {
    VertexEvent.Builder v = VertexEvent.newBuilder().setVertexId("v").setState(state);
    if (started != null) {
      v.setStarted(started);
    }
    if (completed != null) {
      v.setCompleted(completed);
    }
    return SolveEvent.newBuilder().setVertex(v).build();
  }

  private static Timestamp at(long seconds, int nanos) {
    return Timestamp.newBuilder().setSeconds(seconds).setNanos(nanos).build();
  }
}
