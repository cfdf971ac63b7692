package dev.slipway.e2e.chart;

import static dev.slipway.e2e.chart.SlipwayChart.NAMESPACE;
import static dev.slipway.e2e.chart.SlipwayChart.OPERATOR;
import static dev.slipway.e2e.chart.SlipwayChart.WATCH_LIST;
import static dev.slipway.e2e.chart.SlipwayChart.env;
import static dev.slipway.e2e.chart.SlipwayChart.operatorContainer;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's RBAC: rules that cover every call the operator makes and nothing more, cluster-wide
 * or in a Role per watched namespace, and the leader-election Lease.
 */
class HelmChartRbacTest {
  private static SlipwayChart slipway;
  @TempDir static Path valuesDir;

  @BeforeAll
  static void findHelm() throws Exception {
    slipway = new SlipwayChart(valuesDir);
  }

  /** Each resource and the verbs of the operator's calls on it (the reasons are in the chart). */
  private static final Map<String, List<String>> OPERATOR_ACCESS =
      Map.ofEntries(
          Map.entry(
              "slipway.dev/builders", List.of("delete", "get", "list", "patch", "update", "watch")),
          Map.entry(
              "slipway.dev/buildrequests",
              List.of("create", "delete", "get", "list", "patch", "update", "watch")),
          Map.entry("slipway.dev/builders/status", List.of("get", "patch", "update")),
          Map.entry("slipway.dev/builders/scale", List.of("get", "update")),
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
          Map.entry("/secrets", List.of("create", "get", "update")),
          Map.entry(
              "/pods",
              List.of("create", "delete", "deletecollection", "get", "list", "patch", "watch")),
          Map.entry("/pods/exec", List.of("create", "get")),
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
        .as(
            "Secrets are read one by one, never cached cluster-wide; the operator's own go with"
                + " their owner by owner reference")
        .doesNotContain("list", "watch", "patch", "delete");
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

    assertThat(chart.all(ClusterRole.class))
        .as("only the nodes' platforms are read cluster-wide")
        .extracting(r -> r.getMetadata().getName())
        .containsExactly(OPERATOR + "-nodes");
    assertThat(chart.all(ClusterRoleBinding.class))
        .extracting(b -> b.getMetadata().getName())
        .containsExactly(OPERATOR + "-nodes");
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
  void nodesAreOnlyReadForTheirPlatformsInEveryMode() throws Exception {
    for (String values : List.of("{}\n", WATCH_LIST)) {
      RenderedChart chart = render(values);
      assertThat(access(chart.one(ClusterRole.class, OPERATOR + "-nodes").getRules()))
          .isEqualTo(Map.of("/nodes", List.of("get", "list", "watch")));
      ClusterRoleBinding binding = chart.one(ClusterRoleBinding.class, OPERATOR + "-nodes");
      assertThat(binding.getRoleRef().getName()).isEqualTo(OPERATOR + "-nodes");
      assertOperatorAccount(binding.getSubjects());
    }
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
        .as(
            "the verbs the Operator SDK checks before it starts, and patch: fabric8's Lease lock"
                + " renews with a merge patch")
        .containsExactlyInAnyOrder("create", "get", "update", "patch");
    RoleBinding binding = chart.one(RoleBinding.class, OPERATOR + "-leader-election");
    assertThat(binding.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertOperatorAccount(binding.getSubjects());
  }

  private static RenderedChart render(String values) throws Exception {
    return slipway.render(values);
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
