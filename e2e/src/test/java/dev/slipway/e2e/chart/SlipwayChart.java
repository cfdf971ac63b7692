package dev.slipway.e2e.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The Helm chart in deploy/helm/slipway, rendered by the real helm with the value sets people
 * install it with, for the chart tests.
 */
final class SlipwayChart {
  static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  static final Path CHART = REPO.resolve("deploy/helm/slipway");
  static final String RELEASE = "slipway";
  static final String NAMESPACE = "slipway-system";
  static final String OPERATOR = "slipway-operator";

  static final String WATCH_LIST = "watchNamespaces: [team-a, team-b]\n";
  static final String SERVICE_MONITOR =
      """
      metrics:
        serviceMonitor:
          enabled: true
          interval: 15s
          labels: {release: prometheus}
      """;
  static final String DEFAULT_BUILDER =
      """
      defaultBuilder:
        enabled: true
        spec:
          replicas: 2
          maxParallelBuilds: 2
          resources:
            requests: {cpu: "1", memory: 2Gi}
            limits: {memory: 4Gi}
          cache: {size: 20Gi, keepBytes: 15Gi, keepDuration: 168h}
          network: host
          registry:
            insecureHosts: ["127.0.0.1:5000"]
            authSecretName: registry-push
      """;

  /** What the loopback cluster of e2e/cluster needs (e2e/README.md). */
  static final String E2E_CLUSTER =
      """
      image: {repository: slipway.invalid/e2e/slipway-operator, tag: e2e, pullPolicy: Never}
      builder:
        image: {repository: slipway.invalid/e2e/slipway-builder, tag: e2e}
      hostNetwork: true
      http: {port: 18080}
      kubernetesApi: {host: 127.0.0.1, port: 16443}
      extraEnv:
        - {name: QUARKUS_LOG_LEVEL, value: DEBUG}
      """;

  static final String NO_LEADER_ELECTION = "leaderElection: {enabled: false}\n";

  private final Helm helm;
  private final Path valuesDir;

  /**
   * The chart rendered by the helm that {@link Helm#locate()} finds; values files go to {@code
   * valuesDir}.
   */
  SlipwayChart(Path valuesDir) throws IOException {
    this.helm = Helm.locate();
    this.valuesDir = valuesDir;
  }

  /** The chart's appVersion: the tag of the images it runs by default. */
  static String appVersion() throws IOException {
    return Files.readAllLines(CHART.resolve("Chart.yaml")).stream()
        .filter(l -> l.startsWith("appVersion:"))
        .map(l -> l.substring("appVersion:".length()).trim().replace("\"", ""))
        .findFirst()
        .orElseThrow();
  }

  /** `helm lint --strict` with {@code values}: its output, or a {@link Helm.HelmFailed}. */
  String lint(String values) throws Exception {
    return helm.lint(CHART, valuesFile(values));
  }

  /** `helm template` with {@code values}, parsed; a {@link Helm.HelmFailed} when helm refuses. */
  RenderedChart render(String values) throws Exception {
    return RenderedChart.parse(helm.template(RELEASE, NAMESPACE, CHART, valuesFile(values)));
  }

  private Path valuesFile(String values) throws Exception {
    Path file = Files.createTempFile(valuesDir, "values", ".yaml");
    Files.writeString(file, values);
    return file;
  }

  static Container operatorContainer(Deployment deployment) {
    List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
    assertThat(containers).hasSize(1);
    return containers.getFirst();
  }

  static Map<String, EnvVar> env(Container container) {
    return container.getEnv().stream()
        .collect(Collectors.toMap(EnvVar::getName, Function.identity()));
  }
}
