package dev.slipway.e2e.chart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A CRD's openAPIV3Schema as the API server applies it to a resource: the OpenAPI keywords (types,
 * enums, patterns, ranges) refuse it, and fields the schema does not name are pruned without a
 * word, which for a chart value means a setting silently ignored. The Builder CRD has no CEL rules
 * (api's CrdSchemaValidator also evaluates those).
 */
final class CrdSchema {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  private final JsonNode schema;

  private CrdSchema(JsonNode schema) {
    this.schema = schema;
  }

  static CrdSchema of(Path crdYaml) throws IOException {
    JsonNode crd = YAML.readTree(crdYaml.toFile());
    if (crd.at("/spec/versions").size() != 1) {
      throw new IllegalStateException(crdYaml + ": expected one version; pick it here");
    }
    return new CrdSchema(crd.at("/spec/versions/0/schema/openAPIV3Schema"));
  }

  /** What the API server would refuse or prune in this resource; empty when it takes it whole. */
  List<String> problems(Object resource) {
    JsonNode value = JSON.valueToTree(resource);
    List<String> problems = new ArrayList<>();
    SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
        .getSchema(schema.toString(), InputFormat.JSON)
        .validate(value.toString(), InputFormat.JSON)
        .forEach(e -> problems.add(e.getInstanceLocation() + ": " + e.getMessage()));
    pruned(schema, value, "$", problems);
    return problems;
  }

  private static void pruned(JsonNode schema, JsonNode value, String path, List<String> out) {
    if (schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      return;
    }
    if (value.isObject()) {
      JsonNode properties = schema.path("properties");
      JsonNode additional = schema.path("additionalProperties");
      value
          .properties()
          .forEach(
              field -> {
                String at = path + "." + field.getKey();
                if (properties.has(field.getKey())) {
                  pruned(properties.get(field.getKey()), field.getValue(), at, out);
                } else if (additional.isObject()) {
                  pruned(additional, field.getValue(), at, out);
                } else if (!path.equals("$")
                    || !List.of("apiVersion", "kind", "metadata").contains(field.getKey())) {
                  out.add(at + ": unknown field, the API server would drop it");
                }
              });
    } else if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        pruned(schema.get("items"), value.get(i), path + "[" + i + "]", out);
      }
    }
  }
}
