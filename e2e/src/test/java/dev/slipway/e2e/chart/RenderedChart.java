package dev.slipway.e2e.chart;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;

/** The objects `helm template` rendered, typed where fabric8 knows the kind. */
record RenderedChart(List<HasMetadata> objects) {

  static RenderedChart parse(String manifests) {
    List<HasMetadata> objects =
        Arrays.stream(manifests.split("(?m)^---\\s*$"))
            .filter(doc -> doc.lines().anyMatch(l -> !l.isBlank() && !l.startsWith("#")))
            .map(doc -> (HasMetadata) Serialization.unmarshal(doc))
            .toList();
    return new RenderedChart(objects);
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** Objects fabric8 has no class for (Builder, ServiceMonitor), by kind. */
  List<GenericKubernetesResource> custom(String kind) {
    return all(GenericKubernetesResource.class).stream()
        .filter(r -> r.getKind().equals(kind))
        .toList();
  }

  <T extends HasMetadata> T one(Class<T> type, String name) {
    return all(type).stream()
        .filter(o -> o.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(
            () -> new NoSuchElementException("no " + type.getSimpleName() + " named " + name));
  }

  Deployment operator() {
    List<Deployment> deployments = all(Deployment.class);
    if (deployments.size() != 1) {
      throw new AssertionError("expected one Deployment, rendered " + deployments.size());
    }
    return deployments.getFirst();
  }

  /** The Roles that are not the leader-election one: the operator's per-namespace access. */
  List<Role> namespaceRoles() {
    return all(Role.class).stream()
        .filter(r -> !r.getMetadata().getName().endsWith("-leader-election"))
        .toList();
  }

  static List<String> verbs(List<PolicyRule> rules, String group, String resource) {
    return rules.stream()
        .filter(r -> r.getApiGroups().contains(group) && r.getResources().contains(resource))
        .flatMap(r -> r.getVerbs().stream())
        .toList();
  }
}
