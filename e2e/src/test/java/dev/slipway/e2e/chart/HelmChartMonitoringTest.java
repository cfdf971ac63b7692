package dev.slipway.e2e.chart;

import static dev.slipway.e2e.chart.SlipwayChart.NAMESPACE;
import static dev.slipway.e2e.chart.SlipwayChart.REPO;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.e2e.MonitoringQueries;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's monitoring, rendered by the real helm: the Grafana dashboard ConfigMap, the
 * PrometheusRule and the builder PodMonitor are off by default and render whole when asked for.
 * That every name they query is really exported is checked against real scrapes (builder-pod's
 * DashboardMetricsTest, the e2e ObservabilityJourney).
 */
class HelmChartMonitoringTest {
  static final String ALL_ON =
      """
      metrics:
        builderPodMonitor: {enabled: true, interval: 15s, labels: {release: prometheus}}
      grafanaDashboard:
        enabled: true
        labels: {grafana_dashboard: "1", team: platform}
        namespace: monitoring
        folder: Slipway
      prometheusRule:
        enabled: true
        labels: {release: prometheus}
        runbookBaseUrl: https://docs.example.com/observability
        queueWait: {p90Seconds: 123, for: 7m, severity: critical}
        errorRate: {ratio: 0.4, minBuilds: 9}
      """;

  static final Set<String> ALERTS =
      Set.of(
          "SlipwayBuildQueueWaitHigh",
          "SlipwayBuilderPodsNotReady",
          "SlipwayCacheAboveKeepSize",
          "SlipwayBuildErrorRateHigh");

  private static SlipwayChart slipway;
  @TempDir static Path valuesDir;

  @BeforeAll
  static void findHelm() throws Exception {
    slipway = new SlipwayChart(valuesDir);
  }

  @Test
  void lintsStrictlyWithEverythingOn() throws Exception {
    assertThat(slipway.lint(ALL_ON)).contains("1 chart(s) linted, 0 chart(s) failed");
  }

  @Test
  void nothingOfItIsRenderedByDefault() throws Exception {
    RenderedChart chart = slipway.render("{}\n");

    assertThat(chart.all(ConfigMap.class)).isEmpty();
    assertThat(chart.custom("PrometheusRule")).isEmpty();
    assertThat(chart.custom("PodMonitor")).isEmpty();
  }

  @Test
  void theDashboardIsAConfigMapTheGrafanaSidecarFindsHoldingTheChartsJson() throws Exception {
    ConfigMap map = slipway.render(ALL_ON).one(ConfigMap.class, "slipway-dashboard");

    assertThat(map.getMetadata().getNamespace()).isEqualTo("monitoring");
    assertThat(map.getMetadata().getLabels())
        .containsEntry("grafana_dashboard", "1")
        .containsEntry("team", "platform");
    assertThat(map.getMetadata().getAnnotations()).containsEntry("grafana_folder", "Slipway");
    assertThat(map.getData()).containsOnlyKeys("slipway-builders.json");
    JsonNode dashboard = new ObjectMapper().readTree(map.getData().get("slipway-builders.json"));
    assertThat(dashboard).isEqualTo(MonitoringQueries.dashboard());
    assertThat(dashboard.path("uid").asText()).isEqualTo("slipway-builders");

    List<String> variables = dashboard.path("templating").path("list").findValuesAsText("name");
    assertThat(variables).containsExactly("datasource", "namespace", "pod");
    for (JsonNode panel : dashboard.path("panels")) {
      assertThat(panel.path("datasource").path("uid").asText())
          .as("panel %s", panel.path("title"))
          .isEqualTo("${datasource}");
      assertThat(panel.path("targets")).as("panel %s", panel.path("title")).isNotEmpty();
      for (JsonNode target : panel.path("targets")) {
        assertThat(MonitoringQueries.names(List.of(target.path("expr").asText())))
            .as("%s: %s", panel.path("title"), target.path("expr"))
            .isNotEmpty()
            .allMatch(n -> n.startsWith("slipway_"));
      }
    }
    assertThat(dashboard.path("panels").findValuesAsText("title"))
        .contains(
            "Builds per minute by result",
            "Build queue",
            "Queue wait",
            "Cache hit ratio",
            "Bytes from clients and registries",
            "Cache disk use per pod",
            "Active builds and sessions",
            "BuildRequests by phase");
  }

  @Test
  void theRuleHasEveryAlertWithItsThresholdsAnnotationsAndARunbookSectionThatExists()
      throws Exception {
    GenericKubernetesResource rule = slipway.render(ALL_ON).custom("PrometheusRule").getFirst();
    assertThat(rule.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(rule.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(rule.getMetadata().getLabels()).containsEntry("release", "prometheus");

    Map<String, String> exprs = MonitoringQueries.alertExprs(rule);
    assertThat(exprs.keySet()).containsExactlyInAnyOrderElementsOf(ALERTS);
    assertThat(exprs.get("SlipwayBuildQueueWaitHigh"))
        .contains("slipway_build_queue_wait_seconds_bucket")
        .contains("> 123");
    assertThat(exprs.get("SlipwayBuildErrorRateHigh")).contains("> 0.4").contains(">= 9");
    assertThat(MonitoringQueries.names(List.of(exprs.get("SlipwayBuilderPodsNotReady"))))
        .contains("kube_statefulset_replicas", "kube_statefulset_status_replicas_ready");
    assertThat(MonitoringQueries.names(List.of(exprs.get("SlipwayCacheAboveKeepSize"))))
        .containsExactlyInAnyOrder("slipway_cache_bytes", "slipway_cache_keep_bytes");
    exprs.forEach(
        (alert, expr) -> assertThat(MonitoringQueries.names(List.of(expr))).as(alert).isNotEmpty());

    Set<String> anchors = headingAnchors(REPO.resolve("docs/observability.md"));
    List<Map<String, Object>> rules = rule.<List<Map<String, Object>>>get("spec", "groups");
    for (Map<String, Object> r : rulesOf(rules)) {
      String alert = (String) r.get("alert");
      @SuppressWarnings("unchecked")
      Map<String, String> annotations = (Map<String, String>) r.get("annotations");
      @SuppressWarnings("unchecked")
      Map<String, String> labels = (Map<String, String>) r.get("labels");
      assertThat(annotations).as(alert).containsKeys("summary", "description");
      assertThat(labels).as(alert).containsKey("severity");
      String anchor = alert.toLowerCase(java.util.Locale.ROOT);
      assertThat(annotations)
          .as(alert)
          .containsEntry("runbook", "docs/observability.md#" + anchor)
          .containsEntry("runbook_url", "https://docs.example.com/observability#" + anchor);
      assertThat(anchors).as("a section of docs/observability.md for " + alert).contains(anchor);
    }
    assertThat(labelsOf(rules, "SlipwayBuildQueueWaitHigh")).containsEntry("severity", "critical");
  }

  @Test
  void thePodMonitorScrapesTheBuilderPodsHealthPortInTheWatchedNamespaces() throws Exception {
    GenericKubernetesResource all = slipway.render(ALL_ON).custom("PodMonitor").getFirst();
    assertThat(all.<Map<String, String>>get("spec", "selector", "matchLabels"))
        .containsEntry("app.kubernetes.io/name", "slipway-builder");
    assertThat(all.<Boolean>get("spec", "namespaceSelector", "any")).isTrue();
    List<Map<String, Object>> endpoints = all.get("spec", "podMetricsEndpoints");
    assertThat(endpoints)
        .singleElement()
        .satisfies(
            e ->
                assertThat(e)
                    .containsEntry("port", "health")
                    .containsEntry("path", "/metrics")
                    .containsEntry("interval", "15s"));

    GenericKubernetesResource some =
        slipway.render(ALL_ON + SlipwayChart.WATCH_LIST).custom("PodMonitor").getFirst();
    assertThat(some.<List<String>>get("spec", "namespaceSelector", "matchNames"))
        .containsExactly("team-a", "team-b");
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> rulesOf(List<Map<String, Object>> groups) {
    return groups.stream()
        .flatMap(g -> ((List<Map<String, Object>>) g.get("rules")).stream())
        .toList();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> labelsOf(List<Map<String, Object>> groups, String alert) {
    return rulesOf(groups).stream()
        .filter(r -> alert.equals(r.get("alert")))
        .map(r -> (Map<String, String>) r.get("labels"))
        .findFirst()
        .orElseThrow();
  }

  /** GitHub's anchors of a Markdown file's headings: lower case, spaces to dashes. */
  private static Set<String> headingAnchors(Path markdown) throws Exception {
    Pattern heading = Pattern.compile("^#+\\s+(.*)$");
    return Files.readAllLines(markdown).stream()
        .map(heading::matcher)
        .filter(Matcher::matches)
        .map(
            m ->
                m.group(1)
                    .strip()
                    .toLowerCase(java.util.Locale.ROOT)
                    .replaceAll("[^a-z0-9 _-]", "")
                    .replace(' ', '-'))
        .collect(Collectors.toSet());
  }
}
