package dev.slipway.api.resource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates a resource against a CRD's openAPIV3Schema the way the API server does at {@code
 * kubectl apply}: the OpenAPI keywords (types, required, enums, patterns, ranges, sizes) with a
 * JSON-schema validator, then every {@code x-kubernetes-validations} CEL rule with a real CEL
 * evaluator, {@code self} bound to the value at the rule's place. Stands in for the API server
 * until the e2e cluster runs the same checks for real.
 */
final class CrdSchemaValidator {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final CelCompiler CEL =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("self", SimpleType.DYN)
          .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  private final JsonNode openApiSchema;
  private final Schema jsonSchema;

  private CrdSchemaValidator(JsonNode openApiSchema) {
    this.openApiSchema = openApiSchema;
    this.jsonSchema =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
            .getSchema(openApiSchema.toString(), InputFormat.JSON);
  }

  static CrdSchemaValidator forCrd(Path crdYaml) throws IOException {
    JsonNode crd = YAML.readTree(crdYaml.toFile());
    return new CrdSchemaValidator(crd.at("/spec/versions/0/schema/openAPIV3Schema"));
  }

  /** The errors the API server would report for this YAML document; empty when accepted. */
  List<String> validate(String resourceYaml) throws IOException {
    JsonNode resource = YAML.readTree(resourceYaml);
    List<String> errors = new ArrayList<>();
    jsonSchema
        .validate(JSON.writeValueAsString(resource), InputFormat.JSON)
        .forEach(e -> errors.add(e.getInstanceLocation() + ": " + e.getMessage()));
    if (errors.isEmpty()) {
      checkRules(openApiSchema, resource, "$", errors);
    }
    return errors;
  }

  private static void checkRules(JsonNode schema, JsonNode value, String path, List<String> out) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return;
    }
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      String expression = rule.path("rule").asText();
      if (!evaluate(expression, value)) {
        out.add(path + ": " + rule.path("message").asText(expression));
      }
    }
    schema
        .path("properties")
        .properties()
        .forEach(
            p -> checkRules(p.getValue(), value.get(p.getKey()), path + "." + p.getKey(), out));
    if (schema.has("items") && value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        checkRules(schema.get("items"), value.get(i), path + "[" + i + "]", out);
      }
    }
    if (schema.path("additionalProperties").isObject() && value.isObject()) {
      value
          .properties()
          .forEach(
              p ->
                  checkRules(
                      schema.get("additionalProperties"),
                      p.getValue(),
                      path + "." + p.getKey(),
                      out));
    }
  }

  private static boolean evaluate(String expression, JsonNode self) {
    try {
      var ast = CEL.compile(expression).getAst();
      Object result = RUNTIME.createProgram(ast).eval(Map.of("self", toCel(self)));
      return Boolean.TRUE.equals(result);
    } catch (Exception e) {
      throw new IllegalStateException("CEL rule cannot be evaluated: " + expression, e);
    }
  }

  private static Object toCel(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.properties().forEach(p -> map.put(p.getKey(), toCel(p.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(n -> list.add(toCel(n)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.asLong();
    }
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    return node.asText();
  }
}
