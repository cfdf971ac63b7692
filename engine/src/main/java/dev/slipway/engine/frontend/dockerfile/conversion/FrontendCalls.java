package dev.slipway.engine.frontend.dockerfile.conversion;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.slipway.engine.frontend.dockerfile.BuildWarning;
import dev.slipway.engine.frontend.dockerfile.CheckRule;
import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.frontend.dockerfile.instructions.Dockerfile;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction;
import dev.slipway.engine.frontend.dockerfile.instructions.Stage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * BuildKit's frontend subrequests, answered from the parsed and evaluated Dockerfile without
 * running a step: {@code check} (frontend.lint), {@code outline} and {@code targets}. The JSON has
 * the shape of BuildKit's result.json, the text that of what buildx prints.
 */
public final class FrontendCalls {

  /** Indented as Go's json.MarshalIndent: two spaces, {@code "key": value}. */
  private static final ObjectWriter JSON =
      new ObjectMapper()
          .writer(
              new DefaultPrettyPrinter()
                  .withSeparators(
                      Separators.createDefaultInstance()
                          .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                  .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                  .withArrayIndenter(new DefaultIndenter("  ", "\n")));

  private FrontendCalls() {}

  /** The build checks of the target and the stages it reads, in line order. */
  public static CallAnswer check(ConvertRequest req) {
    Dockerfile df = Dockerfile.parse(req.fileName(), req.dockerfile());
    DockerfileConverter converter = new DockerfileConverter(req, df);
    DockerfileException error = null;
    try {
      converter.convert(false, true);
    } catch (DockerfileException e) {
      error = e; // as BuildKit's lint: reported with the findings made before it
    }
    List<BuildWarning> found = new ArrayList<>(converter.findings());
    // BuildKit 0.34's lint reports the platform of a base image only in a build
    found.removeIf(w -> w.rule().equals(CheckRule.INVALID_BASE_IMAGE_PLATFORM.ruleName()));
    found.sort(Comparator.comparingInt(w -> w.position().line()));
    List<Object> warnings = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    String[] lines = req.dockerfile().split("\n", -1);
    for (BuildWarning w : found) {
      CheckRule rule = CheckRule.named(w.rule()).orElseThrow();
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("ruleName", rule.ruleName());
      o.put("description", rule.description());
      if (!rule.url().isEmpty()) {
        o.put("url", rule.url());
      }
      o.put("detail", w.message());
      o.put("location", location(w.position().line()));
      warnings.add(o);
      text.append("\nWARNING: ").append(rule.ruleName());
      if (!rule.url().isEmpty()) {
        text.append(" - ").append(rule.url());
      }
      text.append('\n').append(w.message()).append('\n');
      excerpt(text, req.fileName(), lines, w.position().line());
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("warnings", warnings);
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("fileName", req.fileName());
    source.put("language", "Dockerfile");
    source.put("data", base64(req.dockerfile()));
    result.put("sources", List.of(source));
    String errorText = "";
    if (error != null) {
      Map<String, Object> buildError = new LinkedHashMap<>();
      buildError.put("message", error.problem());
      buildError.put("location", location(error.position().line()));
      result.put("buildError", buildError);
      StringBuilder e = new StringBuilder("ERROR: ").append(error.problem()).append('\n');
      excerpt(e, req.fileName(), lines, error.position().line());
      errorText = e.toString();
    }
    return new CallAnswer(json(result), text.toString(), found.isEmpty() ? 0 : 1, errorText);
  }

  /** The build args, secrets and ssh ids that the target and the stages it reads use. */
  public static CallAnswer outline(ConvertRequest req) {
    Dockerfile df = Dockerfile.parse(req.fileName(), req.dockerfile());
    DockerfileConverter converter = new DockerfileConverter(req, df);
    converter.convert(false, false);
    DefinitionComments comments = DefinitionComments.of(req.dockerfile(), df);
    Stage target = df.stages().get(converter.targetStage());
    OutlineModel model = OutlineModel.of(df, converter.convertedStages(), comments);
    Map<String, Object> result = new LinkedHashMap<>();
    if (target.name() != null) {
      result.put("name", target.from().stageName());
    }
    String description = comments.stage(target.index());
    if (!description.isEmpty()) {
      result.put("description", description);
    }
    StringBuilder text = new StringBuilder();
    if (target.name() != null) {
      TextTable head = new TextTable(1).row("TARGET:", target.from().stageName());
      if (!description.isEmpty()) {
        head.row("DESCRIPTION:", description);
      }
      head.appendTo(text);
      text.append('\n');
    }
    if (!model.args().isEmpty()) {
      result.put("args", model.args().stream().map(OutlineModel.Arg::toJson).toList());
      TextTable t = new TextTable(3).row("BUILD ARG", "VALUE", "DESCRIPTION");
      model.args().forEach(a -> t.row(a.name(), a.value(), a.description()));
      t.appendTo(text);
      text.append('\n');
    }
    mounts(result, text, "secrets", "SECRET", model.secrets());
    mounts(result, text, "ssh", "SSH", model.ssh());
    if (!model.caches().isEmpty()) {
      result.put("cache", model.caches().stream().map(id -> Map.of("ID", id)).toList());
    }
    result.put("sources", List.of(base64(req.dockerfile())));
    return new CallAnswer(json(result), text.toString(), 0);
  }

  private static void mounts(
      Map<String, Object> result,
      StringBuilder text,
      String key,
      String title,
      Map<String, Boolean> ids) {
    if (ids.isEmpty()) {
      return;
    }
    List<Object> json = new ArrayList<>();
    TextTable t = new TextTable(3).row(title, "REQUIRED");
    ids.forEach(
        (id, required) -> {
          Map<String, Object> o = new LinkedHashMap<>();
          o.put("name", id);
          if (required) {
            o.put("required", true);
          }
          json.add(o);
          t.row(id, required ? "true" : "");
        });
    result.put(key, json);
    t.appendTo(text);
    text.append('\n');
  }

  /** Every stage, named or not (as BuildKit lists them), and which one builds by default. */
  public static CallAnswer targets(ConvertRequest req) {
    Dockerfile df = Dockerfile.parse(req.fileName(), req.dockerfile());
    DefinitionComments comments = DefinitionComments.of(req.dockerfile(), df);
    List<Object> targets = new ArrayList<>();
    TextTable t = new TextTable(1).row("TARGET", "DESCRIPTION");
    int last = df.stages().size() - 1;
    for (Stage s : df.stages()) {
      boolean isDefault = s.index() == last;
      Instruction.From from = s.from();
      Map<String, Object> o = new LinkedHashMap<>();
      String name = s.name() == null ? "" : from.stageName();
      if (!name.isEmpty()) {
        o.put("name", name);
      }
      if (isDefault) {
        o.put("default", true);
      }
      String description = comments.stage(s.index());
      if (!description.isEmpty()) {
        o.put("description", description);
      }
      o.put("base", from.image());
      if (from.platform() != null) {
        o.put("platform", from.platform());
      }
      o.put("location", location(from.meta().position().line()));
      targets.add(o);
      t.row(isDefault ? (name.isEmpty() ? "(default)" : name + " (default)") : name, description);
    }
    StringBuilder text = new StringBuilder();
    t.appendTo(text);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("targets", targets);
    result.put("sources", List.of(base64(req.dockerfile())));
    return new CallAnswer(json(result), text.toString(), 0);
  }

  /** Lines around {@code line} as BuildKit prints a source location. */
  private static void excerpt(StringBuilder out, String file, String[] lines, int line) {
    out.append(file).append(':').append(line).append('\n');
    out.append("--------------------\n");
    for (int i = Math.max(1, line - 2); i <= Math.min(lines.length, line + 2); i++) {
      out.append(String.format("%4d | %s%s%n", i, i == line ? ">>> " : "    ", lines[i - 1]));
    }
    out.append("--------------------\n");
  }

  static Map<String, Object> location(int line) {
    Map<String, Object> at = Map.of("line", line);
    Map<String, Object> range = new LinkedHashMap<>();
    range.put("start", at);
    range.put("end", at);
    return Map.of("ranges", List.of(range));
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a call result is plain maps and strings", e);
    }
  }
}
