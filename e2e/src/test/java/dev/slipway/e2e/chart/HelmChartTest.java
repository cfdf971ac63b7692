package dev.slipway.e2e.chart;

import static dev.slipway.e2e.chart.SlipwayChart.CHART;
import static dev.slipway.e2e.chart.SlipwayChart.DEFAULT_BUILDER;
import static dev.slipway.e2e.chart.SlipwayChart.E2E_CLUSTER;
import static dev.slipway.e2e.chart.SlipwayChart.NAMESPACE;
import static dev.slipway.e2e.chart.SlipwayChart.NO_LEADER_ELECTION;
import static dev.slipway.e2e.chart.SlipwayChart.OPERATOR;
import static dev.slipway.e2e.chart.SlipwayChart.SERVICE_MONITOR;
import static dev.slipway.e2e.chart.SlipwayChart.WATCH_LIST;
import static dev.slipway.e2e.chart.SlipwayChart.env;
import static dev.slipway.e2e.chart.SlipwayChart.operatorContainer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Helm chart in deploy/helm/slipway, linted and rendered by the real helm with the value sets
 * people install it with: what the operator gets (image, env, probes, security, leader election,
 * the e2e cluster's network), the ServiceMonitor and the default Builder. Its RBAC is in {@link
 * HelmChartRbacTest}.
 */
class HelmChartTest {
  private static SlipwayChart slipway;
  private static String appVersion;
  @TempDir static Path valuesDir;

  @BeforeAll
  static void findHelm() throws Exception {
    slipway = new SlipwayChart(valuesDir);
    appVersion = SlipwayChart.appVersion();
  }

  static Stream<String> valueSets() {
    return Stream.of(
        "{}\n",
        WATCH_LIST,
        SERVICE_MONITOR,
        DEFAULT_BUILDER,
        E2E_CLUSTER,
        NO_LEADER_ELECTION,
        WATCH_LIST + DEFAULT_BUILDER + "  namespace: team-b\n");
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void lintsStrictlyWith(String values) throws Exception {
    assertThat(slipway.lint(values)).contains("1 chart(s) linted, 0 chart(s) failed");
  }

  @Test
  void defaultsRunTheReleasedImagesOnTheWholeCluster() throws Exception {
    RenderedChart chart = render("{}\n");
    Deployment deployment = chart.operator();
    Container operator = operatorContainer(deployment);

    assertThat(deployment.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(operator.getImage()).isEqualTo("ghcr.io/slipway-dev/slipway-operator:" + appVersion);
    assertThat(operator.getImagePullPolicy()).isEqualTo("IfNotPresent");
    Map<String, EnvVar> env = env(operator);
    assertThat(env.get("SLIPWAY_BUILDER_IMAGE").getValue())
        .isEqualTo("ghcr.io/slipway-dev/slipway-builder:" + appVersion);
    assertThat(env.get("SLIPWAY_WATCH_NAMESPACES").getValue()).isEqualTo("JOSDK_ALL_NAMESPACES");
    assertThat(env.get("QUARKUS_HTTP_PORT").getValue()).isEqualTo("8080");
    assertThat(env.get("KUBERNETES_NAMESPACE").getValueFrom().getFieldRef().getFieldPath())
        .as("the client's namespace, where the leader Lease goes")
        .isEqualTo("metadata.namespace");
    assertThat(env)
        .doesNotContainKeys(
            "QUARKUS_PROFILE",
            "QUARKUS_HTTP_HOST",
            "KUBERNETES_SERVICE_HOST",
            "KUBERNETES_SERVICE_PORT");
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getHostNetwork()).isNull();
    assertThat(deployment.getSpec().getStrategy()).as("rolled: a standby takes over").isNull();

    ServiceAccount account = chart.one(ServiceAccount.class, OPERATOR);
    assertThat(pod.getServiceAccountName()).isEqualTo(account.getMetadata().getName());
    assertThat(chart.custom("ServiceMonitor")).isEmpty();
    assertThat(chart.custom("Builder")).isEmpty();
  }

  @Test
  void probesAskQuarkusHealthOnTheHttpPort() throws Exception {
    Container operator = operatorContainer(render("{}\n").operator());

    assertThat(operator.getPorts())
        .singleElement()
        .satisfies(p -> assertThat(p.getName()).isEqualTo("http"))
        .satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(8080));
    assertThat(operator.getStartupProbe().getHttpGet().getPath()).isEqualTo("/q/health/started");
    assertThat(operator.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
    assertThat(operator.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
    assertThat(
            Stream.of(
                operator.getStartupProbe(),
                operator.getLivenessProbe(),
                operator.getReadinessProbe()))
        .allSatisfy(p -> assertThat(p.getHttpGet().getPort().getStrVal()).isEqualTo("http"));
  }

  @Test
  void runsAsTheImagesNonRootUserOnAReadOnlyRoot() throws Exception {
    PodSpec pod = render("{}\n").operator().getSpec().getTemplate().getSpec();
    Container operator = pod.getContainers().getFirst();

    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(operator.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(operator.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(operator.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(operator.getVolumeMounts())
        .singleElement()
        .satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
    assertThat(pod.getVolumes())
        .singleElement()
        .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
  }

  @Test
  void withoutLeaderElectionOneOperatorIsReplacedNotRolled() throws Exception {
    RenderedChart chart = render(NO_LEADER_ELECTION);
    Deployment deployment = chart.operator();
    Map<String, EnvVar> env = env(operatorContainer(deployment));

    assertThat(env.get("QUARKUS_PROFILE").getValue())
        .as("leader election is built in for the prod profile only")
        .isNotBlank()
        .isNotEqualTo("prod");
    assertThat(env).doesNotContainKey("SLIPWAY_LEADER_ELECTION_LEASE_NAME");
    assertThat(chart.all(Role.class)).isEmpty();
    assertThat(chart.all(RoleBinding.class)).isEmpty();
    assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
    assertThatThrownBy(() -> render(NO_LEADER_ELECTION + "replicaCount: 2\n"))
        .isInstanceOf(Helm.HelmFailed.class)
        .hasMessageContaining("replicaCount > 1 needs leaderElection.enabled=true");
  }

  @Test
  void onTheE2eClusterTheOperatorSharesTheNodesNetworkAndAddressesTheApiServerDirectly()
      throws Exception {
    RenderedChart chart = render(E2E_CLUSTER);
    Deployment deployment = chart.operator();
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container operator = operatorContainer(deployment);
    Map<String, EnvVar> env = env(operator);

    assertThat(pod.getHostNetwork()).isTrue();
    assertThat(pod.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
    assertThat(env.get("QUARKUS_HTTP_HOST").getValueFrom().getFieldRef().getFieldPath())
        .as("the pod IP, not every address of the node")
        .isEqualTo("status.podIP");
    assertThat(env.get("QUARKUS_HTTP_PORT").getValue()).isEqualTo("18080");
    assertThat(operator.getPorts().getFirst().getContainerPort()).isEqualTo(18080);
    assertThat(
            chart
                .one(Service.class, OPERATOR + "-metrics")
                .getSpec()
                .getPorts()
                .getFirst()
                .getPort())
        .isEqualTo(18080);
    assertThat(env.get("KUBERNETES_SERVICE_HOST").getValue()).isEqualTo("127.0.0.1");
    assertThat(env.get("KUBERNETES_SERVICE_PORT").getValue()).isEqualTo("16443");
    assertThat(env.get("QUARKUS_LOG_LEVEL").getValue()).isEqualTo("DEBUG");
    assertThat(operator.getImage()).isEqualTo("slipway.invalid/e2e/slipway-operator:e2e");
    assertThat(operator.getImagePullPolicy()).isEqualTo("Never");
    assertThat(env.get("SLIPWAY_BUILDER_IMAGE").getValue())
        .isEqualTo("slipway.invalid/e2e/slipway-builder:e2e");
    assertThat(deployment.getSpec().getStrategy().getType())
        .as("the new pod could not bind the port the old one holds on the node")
        .isEqualTo("Recreate");
    assertThatThrownBy(() -> render("kubernetesApi: {host: 127.0.0.1}\n"))
        .isInstanceOf(Helm.HelmFailed.class)
        .hasMessageContaining("kubernetesApi.port");
  }

  @Test
  void serviceMonitorOnlyWhenAskedScrapesTheMetricsService() throws Exception {
    assertThat(render("{}\n").custom("ServiceMonitor")).isEmpty();

    RenderedChart chart = render(SERVICE_MONITOR);
    Service service = chart.one(Service.class, OPERATOR + "-metrics");
    GenericKubernetesResource monitor = chart.custom("ServiceMonitor").getFirst();

    assertThat(chart.custom("ServiceMonitor")).hasSize(1);
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
    assertThat(service.getMetadata().getLabels())
        .containsAllEntriesOf(monitor.<Map<String, String>>get("spec", "selector", "matchLabels"));
    assertThat(service.getSpec().getSelector())
        .isEqualTo(chart.operator().getSpec().getSelector().getMatchLabels());
    assertThat(service.getSpec().getPorts().getFirst().getName()).isEqualTo("http");
    assertThat(monitor.<List<Map<String, Object>>>get("spec", "endpoints"))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e)
                    .containsEntry("port", "http")
                    .containsEntry("path", "/q/metrics")
                    .containsEntry("interval", "15s"));
  }

  @Test
  void defaultBuilderIsABuilderTheCrdTakesWhole() throws Exception {
    GenericKubernetesResource builder = render(DEFAULT_BUILDER).custom("Builder").getFirst();
    CrdSchema builders = CrdSchema.of(CHART.resolve("crds/builders.slipway.dev.yaml"));

    assertThat(builder.getApiVersion()).isEqualTo("slipway.dev/v1alpha1");
    assertThat(builder.getMetadata().getName()).isEqualTo("default");
    assertThat(builder.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(builder.<Integer>get("spec", "replicas")).isEqualTo(2);
    assertThat(builder.<List<String>>get("spec", "registry", "insecureHosts"))
        .containsExactly("127.0.0.1:5000");
    assertThat(builders.problems(builder)).isEmpty();

    GenericKubernetesResource typo =
        render(DEFAULT_BUILDER.replace("replicas: 2", "replica: 2")).custom("Builder").getFirst();
    assertThat(builders.problems(typo))
        .containsExactly("$.spec.replica: unknown field, the API server would drop it");
  }

  @Test
  void defaultBuilderMustBeInAWatchedNamespace() throws Exception {
    assertThat(render(WATCH_LIST + DEFAULT_BUILDER + "  namespace: team-b\n").custom("Builder"))
        .singleElement()
        .satisfies(b -> assertThat(b.getMetadata().getNamespace()).isEqualTo("team-b"));
    assertThatThrownBy(() -> render(WATCH_LIST + DEFAULT_BUILDER))
        .isInstanceOf(Helm.HelmFailed.class)
        .hasMessageContaining(
            "defaultBuilder.namespace \"slipway-system\" is not in watchNamespaces");
  }

  private static RenderedChart render(String values) throws Exception {
    return slipway.render(values);
  }
}
