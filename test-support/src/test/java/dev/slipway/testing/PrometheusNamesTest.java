package dev.slipway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrometheusNamesTest {

  @Test
  void aHistogramQuantileSelectsTheBucketSeriesNotItsFunctionsLabelsOrVariables() {
    String expr =
        "histogram_quantile(0.9, sum by (le, result) (rate("
            + "slipway_build_duration_seconds_bucket{namespace=~\"$namespace\", pod=~\"$pod\"}"
            + "[$__rate_interval])))";

    assertThat(PrometheusNames.queried(expr))
        .containsExactly("slipway_build_duration_seconds_bucket");
  }

  @Test
  void bothSidesOfABinaryOperationAndASetOperationAreFound() {
    String expr =
        "sum(rate(slipway_cache_hits_total[5m])) / (sum(rate(slipway_cache_hits_total[5m]))"
            + " + sum(rate(slipway_cache_misses_total[5m]))) > 0.5 and on (namespace)"
            + " group_left() label_replace(max by (namespace, pod)"
            + " (present_over_time(slipway_builds_active[1h])), \"statefulset\", \"$1\", \"pod\","
            + " \"(.+)-[0-9]+\") unless kube_statefulset_replicas offset 5m";

    assertThat(PrometheusNames.queried(expr))
        .containsExactlyInAnyOrder(
            "slipway_cache_hits_total",
            "slipway_cache_misses_total",
            "slipway_builds_active",
            "kube_statefulset_replicas");
  }

  @Test
  void stringsWithBracesAndQuotesInsideMatchersHideNothingAfterThem() {
    String expr =
        "sum without (pod) (a_total{l=\"}\", m='x{y'}) * on(l) group_left b_total"
            + " + sum(c_total) by (x) + 1e3 + 0.5";

    assertThat(PrometheusNames.queried(expr)).containsExactly("a_total", "b_total", "c_total");
  }

  @Test
  void anExpositionNamesEverySampleLineAndNoComment() {
    String page =
        """
        # HELP slipway_builds_total Builds that ended
        # TYPE slipway_builds_total counter
        slipway_builds_total{result="failed"} 0.0
        slipway_build_duration_seconds_bucket{result="failed",le="+Inf"} 0
        slipway_builds_active 1.0
        """;

    assertThat(PrometheusNames.exposed(page))
        .containsExactly(
            "slipway_builds_total",
            "slipway_build_duration_seconds_bucket",
            "slipway_builds_active");
  }
}
