package dev.slipway.e2e.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Helm chart in deploy/helm/slipway, linted and rendered by the real helm with the value sets
 * people install it with: what the operator gets (image, env, probes, security), and RBAC that
 * covers every call the operator makes and nothing more.
 */
class HelmChartTest {
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final Path CHART = REPO.resolve("deploy/helm/slipway");
  private static final String RELEASE = "slipway";
  private static final String NAMESPACE = "slipway-system";
  private static final String OPERATOR = "slipway-operator";

  private static final String WATCH_LIST = "watchNamespaces: [team-a, team-b]\n";
  private static final String SERVICE_MONITOR =
      """
      metrics:
        serviceMonitor:
          enabled: true
          interval: 15s
          labels: {release: prometheus}
      """;
  private static final String DEFAULT_BUILDER =
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
  private static final String E2E_CLUSTER =
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

  private static final String NO_LEADER_ELECTION = "leaderElection: {enabled: false}\n";

  private static Helm helm;
  private static String appVersion;
  @TempDir static Path valuesDir;

  @BeforeAll
  static void findHelm() throws Exception {
    helm = Helm.locate();
    appVersion =
        Files.readAllLines(CHART.resolve("Chart.yaml")).stream()
            .filter(l -> l.startsWith("appVersion:"))
            .map(l -> l.substring("appVersion:".length()).trim().replace("\"", ""))
            .findFirst()
            .orElseThrow();
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
    assertThat(helm.lint(CHART, valuesFile(values)))
        .contains("1 chart(s) linted, 0 chart(s) failed");
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

  /** Each resource and the verbs of the operator's calls on it (the reasons are in the chart). */
  private static final Map<String, List<String>> OPERATOR_ACCESS =
      Map.ofEntries(
          Map.entry(
              "slipway.dev/builders", List.of("delete", "get", "list", "patch", "update", "watch")),
          Map.entry(
              "slipway.dev/buildrequests",
              List.of("delete", "get", "list", "patch", "update", "watch")),
          Map.entry("slipway.dev/builders/status", List.of("get", "patch", "update")),
          Map.entry("slipway.dev/buildrequests/status", List.of("get", "patch", "update")),
          Map.entry("slipway.dev/builders/finalizers", List.of("update")),
          Map.entry("slipway.dev/buildrequests/finalizers", List.of("update")),
          Map.entry(
              "apps/statefulsets",
              List.of("create", "delete", "get", "list", "patch", "update", "watch")),
          Map.entry(
              "/services", List.of("create", "delete", "get", "list", "patch", "update", "watch")),
          Map.entry(
              "policy/poddisruptionbudgets",
              List.of("create", "delete", "get", "list", "patch", "update", "watch")),
          Map.entry("/secrets", List.of("create", "get", "list", "watch")),
          Map.entry("/pods", List.of("get", "list", "watch")),
          Map.entry("/configmaps", List.of("get")),
          Map.entry("/events", List.of("create")));

  @Test
  void clusterRoleGrantsWhatTheOperatorCallsAndNothingMore() throws Exception {
    RenderedChart chart = render("{}\n");
    List<PolicyRule> rules = chart.one(ClusterRole.class, OPERATOR).getRules();

    assertThat(access(rules)).isEqualTo(new TreeMap<>(OPERATOR_ACCESS));
    assertThat(rules)
        .allSatisfy(
            r -> {
              assertThat(r.getApiGroups()).doesNotContain("*");
              assertThat(r.getResources()).doesNotContain("*");
              assertThat(r.getVerbs()).doesNotContain("*", "escalate", "bind", "impersonate");
              assertThat(r.getNonResourceURLs()).isNullOrEmpty();
            });
    assertThat(RenderedChart.verbs(rules, "", "secrets"))
        .as("token Secrets go with their Builder by owner reference")
        .doesNotContain("update", "patch", "delete");
    assertThat(RenderedChart.verbs(rules, "apiextensions.k8s.io", "customresourcedefinitions"))
        .as("helm installs the CRDs")
        .isEmpty();

    ClusterRoleBinding binding = chart.one(ClusterRoleBinding.class, OPERATOR);
    assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
    assertThat(binding.getRoleRef().getName()).isEqualTo(OPERATOR);
    assertOperatorAccount(binding.getSubjects());
    assertThat(chart.namespaceRoles()).isEmpty();
  }

  @Test
  void watchedNamespacesGetTheSameRulesInARoleEach() throws Exception {
    RenderedChart chart = render(WATCH_LIST);
    List<PolicyRule> clusterRules = render("{}\n").one(ClusterRole.class, OPERATOR).getRules();

    assertThat(chart.all(ClusterRole.class)).isEmpty();
    assertThat(chart.all(ClusterRoleBinding.class)).isEmpty();
    assertThat(chart.namespaceRoles())
        .extracting(r -> r.getMetadata().getNamespace())
        .containsExactly("team-a", "team-b");
    assertThat(chart.namespaceRoles())
        .allSatisfy(r -> assertThat(r.getRules()).isEqualTo(clusterRules));
    List<RoleBinding> bindings =
        chart.all(RoleBinding.class).stream()
            .filter(b -> b.getRoleRef().getName().equals(OPERATOR))
            .toList();
    assertThat(bindings)
        .extracting(b -> b.getMetadata().getNamespace())
        .containsExactly("team-a", "team-b");
    assertThat(bindings).allSatisfy(b -> assertOperatorAccount(b.getSubjects()));
    assertThat(env(operatorContainer(chart.operator())).get("SLIPWAY_WATCH_NAMESPACES").getValue())
        .isEqualTo("team-a,team-b");
  }

  @Test
  void leaderElectionHoldsOneNamedLeaseInTheReleaseNamespace() throws Exception {
    RenderedChart chart = render("{}\n");
    Role role = chart.one(Role.class, OPERATOR + "-leader-election");
    String lease =
        env(operatorContainer(chart.operator()))
            .get("SLIPWAY_LEADER_ELECTION_LEASE_NAME")
            .getValue();

    assertThat(lease).isEqualTo("slipway-operator-leader");
    assertThat(role.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(role.getRules())
        .allSatisfy(r -> assertThat(r.getResources()).containsExactly("leases"))
        .allSatisfy(
            r ->
                assertThat(r.getResourceNames())
                    .as("only create cannot be held to the one Lease")
                    .isEqualTo(
                        r.getVerbs().equals(List.of("create")) ? List.of() : List.of(lease)));
    assertThat(role.getRules().stream().flatMap(r -> r.getVerbs().stream()))
        .as("the verbs the Operator SDK checks before it starts")
        .containsExactlyInAnyOrder("create", "get", "update");
    RoleBinding binding = chart.one(RoleBinding.class, OPERATOR + "-leader-election");
    assertThat(binding.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertOperatorAccount(binding.getSubjects());
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
    return RenderedChart.parse(helm.template(RELEASE, NAMESPACE, CHART, valuesFile(values)));
  }

  private static Path valuesFile(String values) throws Exception {
    Path file = Files.createTempFile(valuesDir, "values", ".yaml");
    Files.writeString(file, values);
    return file;
  }

  private static Container operatorContainer(Deployment deployment) {
    List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
    assertThat(containers).hasSize(1);
    return containers.getFirst();
  }

  private static Map<String, EnvVar> env(Container container) {
    return container.getEnv().stream()
        .collect(Collectors.toMap(EnvVar::getName, Function.identity()));
  }

  /** "group/resource" to its sorted verbs, merged over the rules that name it. */
  private static Map<String, List<String>> access(List<PolicyRule> rules) {
    Map<String, TreeSet<String>> access = new TreeMap<>();
    for (PolicyRule rule : rules) {
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          access
              .computeIfAbsent(group + "/" + resource, k -> new TreeSet<>())
              .addAll(rule.getVerbs());
        }
      }
    }
    Map<String, List<String>> sorted = new TreeMap<>();
    access.forEach((k, v) -> sorted.put(k, List.copyOf(v)));
    return sorted;
  }

  private static void assertOperatorAccount(List<Subject> subjects) {
    assertThat(subjects)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getKind()).isEqualTo("ServiceAccount");
              assertThat(s.getName()).isEqualTo(OPERATOR);
              assertThat(s.getNamespace()).isEqualTo(NAMESPACE);
            });
  }
}
