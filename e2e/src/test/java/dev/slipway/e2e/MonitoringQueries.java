package dev.slipway.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.testing.PrometheusNames;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The PromQL the chart ships: the Grafana dashboard's panel and variable queries and the alert
 * rules' expressions, and the metric names they select, to check against real scrapes.
 */
public final class MonitoringQueries {
  public static final Path DASHBOARD =
      LoopbackCluster.ROOT.resolve("deploy/helm/slipway/files/slipway-dashboard.json");

  private MonitoringQueries() {}

  public static JsonNode dashboard() throws IOException {
    return new ObjectMapper().readTree(DASHBOARD.toFile());
  }

  /**
   * Every query of the dashboard: the panels' {@code expr}s and, of each {@code label_values(...)}
   * variable, its series selector.
   */
  public static List<String> dashboardQueries(JsonNode dashboard) {
    List<String> queries = new ArrayList<>();
    dashboard.findValues("expr").forEach(e -> queries.add(e.asText()));
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if ("query".equals(variable.path("type").asText())) {
        String query = variable.path("query").path("query").asText();
        queries.add(query.replaceFirst("^label_values\\((.*),[^,]*\\)$", "$1"));
      }
    }
    return queries;
  }

  /** The rules of a rendered PrometheusRule: alert name to expression, in order. */
  public static Map<String, String> alertExprs(GenericKubernetesResource rule) {
    Map<String, String> alerts = new java.util.LinkedHashMap<>();
    List<Map<String, Object>> groups = rule.get("spec", "groups");
    for (Map<String, Object> group : groups) {
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> rules = (List<Map<String, Object>>) group.get("rules");
      for (Map<String, Object> r : rules) {
        alerts.put(String.valueOf(r.get("alert")), String.valueOf(r.get("expr")));
      }
    }
    return alerts;
  }

  /** The metric names {@code queries} select. */
  public static Set<String> names(Collection<String> queries) {
    Set<String> names = new TreeSet<>();
    queries.forEach(q -> names.addAll(PrometheusNames.queried(q)));
    return names;
  }
}
