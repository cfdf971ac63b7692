package dev.slipway.e2e.journeys;

import static dev.slipway.e2e.SlipwayInstallation.BUILDER;
import static dev.slipway.e2e.SlipwayInstallation.BUILDER_PORT;
import static dev.slipway.e2e.SlipwayInstallation.OPERATOR_HTTP_PORT;
import static dev.slipway.e2e.SlipwayInstallation.SYSTEM_NAMESPACE;
import static dev.slipway.e2e.journeys.BuildsNamespace.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.e2e.LoopbackCluster;
import dev.slipway.e2e.MonitoringQueries;
import dev.slipway.testing.PrometheusNames;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.LocalPortForward;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Issue 19's dashboard and alerts against the real thing: after a GitOps build, the operator's and
 * a builder pod's {@code /metrics} (through port-forwards, as a Prometheus in the cluster would
 * reach their ports) expose every series the chart's Grafana dashboard queries and every {@code
 * slipway_*} series its PrometheusRule does (the {@code kube_*} ones are kube-state-metrics'), and
 * the operator timed the build's wait in the queue.
 */
final class ObservabilityJourney {
  private final LoopbackCluster cluster;
  private final KubernetesClient client;
  private final BuildsNamespace builds;
  private final HttpClient http = HttpClient.newHttpClient();

  ObservabilityJourney(LoopbackCluster cluster, BuildsNamespace builds) {
    this.cluster = cluster;
    this.client = cluster.client();
    this.builds = builds;
  }

  void everySeriesTheDashboardAndTheAlertsQueryIsInARealScrape() throws Exception {
    builds.apply(PoolManifests.project("observed"));
    builds.apply(PoolManifests.request("observed", BUILDER, "observed", "{}"));
    BuildRequest done = builds.awaitEnd("observed");
    assertThat(done.getStatus().getPhase())
        .as(BuildsNamespace.describe(done))
        .isEqualTo(BuildPhase.SUCCEEDED);

    String operator = scrape(SYSTEM_NAMESPACE, operatorPod(), OPERATOR_HTTP_PORT, "/q/metrics");
    // the builder's metrics port is the one after its gRPC port (the pod's "health" port)
    String builder = scrape(NAMESPACE, BUILDER + "-0", BUILDER_PORT + 1, "/metrics");
    Set<String> exposed = new HashSet<>(PrometheusNames.exposed(operator));
    exposed.addAll(PrometheusNames.exposed(builder));

    Set<String> dashboard =
        MonitoringQueries.names(MonitoringQueries.dashboardQueries(MonitoringQueries.dashboard()));
    assertThat(missing(dashboard, exposed)).as("dashboard series not scraped").isEmpty();

    Set<String> rules =
        MonitoringQueries.names(MonitoringQueries.alertExprs(renderedRule()).values()).stream()
            .filter(n -> n.startsWith("slipway_"))
            .collect(Collectors.toSet());
    assertThat(rules).as("the alerts' own series").isNotEmpty();
    assertThat(missing(rules, exposed)).as("alert series not scraped").isEmpty();

    assertThat(sample(operator, "slipway_build_queue_wait_seconds_count"))
        .as("builds whose wait for a pod the operator timed")
        .isGreaterThanOrEqualTo(1);
    assertThat(sample(builder, "slipway_builds_total{result=\"succeeded\"}"))
        .as("succeeded builds the builder counted")
        .isGreaterThanOrEqualTo(1);
  }

  /** The running operator pod (the journeys before may have replaced it). */
  private String operatorPod() {
    return client.pods().inNamespace(SYSTEM_NAMESPACE).list().getItems().stream()
        .filter(p -> "Running".equals(p.getStatus().getPhase()))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .map(Pod::getMetadata)
        .map(m -> m.getName())
        .filter(n -> n.startsWith("slipway-operator-"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no running operator pod in " + SYSTEM_NAMESPACE));
  }

  private String scrape(String namespace, String pod, int port, String path) throws Exception {
    try (LocalPortForward forward =
        client.pods().inNamespace(namespace).withName(pod).portForward(port)) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + forward.getLocalPort() + path))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(pod + " " + path).isEqualTo(200);
      return response.body();
    }
  }

  /** The chart's PrometheusRule as helm renders it when asked for. */
  private GenericKubernetesResource renderedRule() {
    String yaml =
        cluster
            .helm(
                "template",
                "slipway",
                LoopbackCluster.ROOT.resolve("deploy/helm/slipway").toString(),
                "--set",
                "prometheusRule.enabled=true",
                "--show-only",
                "templates/prometheusrule.yaml")
            .requireSuccess()
            .stdout();
    return Serialization.unmarshal(yaml, GenericKubernetesResource.class);
  }

  private static Set<String> missing(Set<String> wanted, Set<String> exposed) {
    Set<String> missing = new TreeSet<>(wanted);
    missing.removeAll(exposed);
    return missing;
  }

  /** The sum of the samples of {@code series} (a name, or a name and labels as exposed). */
  private static double sample(String scrape, String series) {
    var lines =
        scrape
            .lines()
            .filter(l -> l.startsWith(series + " ") || l.startsWith(series + "{"))
            .toList();
    assertThat(lines).as("samples of " + series + " in:\n" + scrape).isNotEmpty();
    return lines.stream()
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }
}
