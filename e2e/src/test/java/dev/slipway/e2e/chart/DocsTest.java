package dev.slipway.e2e.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/ true to the code: every {@code ```yaml} block parses, the Builders and BuildRequests
 * among them are what the CRDs accept (a reader who copies one gets no refusal and no silently
 * dropped field), and every message docs/troubleshooting.md quotes in a {@code ### `…`} heading
 * still occurs in the sources, so renaming a message fails here until the page follows.
 */
class DocsTest {
  private static final Path DOCS = SlipwayChart.REPO.resolve("docs");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** A fence line, with its indentation (blocks nested in list items are indented). */
  private static final Pattern FENCE = Pattern.compile("^( *)```([A-Za-z0-9_-]*)\\s*$");

  private static final Pattern MARKER = Pattern.compile("^### `(.+)`\\s*$");

  /** Below this many quoted messages the page has lost its markers, not its messages. */
  private static final int MIN_MARKERS = 50;

  @Test
  void yamlBlocksParseAndSlipwayResourcesMatchTheirCrds() throws IOException {
    Map<String, CrdSchema> schemas =
        Map.of(
            "BuildRequest",
            CrdSchema.of(SlipwayChart.CHART.resolve("crds/buildrequests.slipway.dev.yaml")),
            "Builder",
            CrdSchema.of(SlipwayChart.CHART.resolve("crds/builders.slipway.dev.yaml")));
    List<String> problems = new ArrayList<>();
    int blocks = 0;
    int resources = 0;
    for (Path page : pages()) {
      for (Block block : yamlBlocks(page)) {
        blocks++;
        List<JsonNode> documents;
        try {
          documents = YAML.readerFor(JsonNode.class).<JsonNode>readValues(block.text()).readAll();
        } catch (IOException e) {
          problems.add(block.where() + ": not YAML: " + e.getMessage());
          continue;
        }
        for (JsonNode document : documents) {
          String kind = document == null ? "" : document.path("kind").asText();
          boolean slipway =
              document != null && document.path("apiVersion").asText().startsWith("slipway.dev/");
          if (slipway && schemas.containsKey(kind)) {
            resources++;
            schemas
                .get(kind)
                .problems(document)
                .forEach(p -> problems.add(block.where() + ": " + kind + " " + p));
          }
          JsonNode chartBuilder = document == null ? null : document.at("/defaultBuilder/spec");
          if (chartBuilder != null && chartBuilder.isObject()) {
            // chart values: the default Builder's spec goes into a Builder as is
            resources++;
            schemas
                .get("Builder")
                .problems(Map.of("spec", chartBuilder))
                .forEach(p -> problems.add(block.where() + ": defaultBuilder " + p));
          }
        }
      }
    }
    assertThat(problems).as("YAML blocks of docs/*.md").isEmpty();
    assertThat(blocks).as("```yaml blocks found in docs/").isGreaterThan(10);
    assertThat(resources).as("Builders and BuildRequests among them").isGreaterThanOrEqualTo(5);
  }

  @Test
  void troubleshootingQuotesOnlyMessagesTheCodeHas() throws IOException {
    String sources = mainSources();
    String unescaped = sources.replace("\\\"", "\"").replace("\\\\", "\\");
    List<String> missing = new ArrayList<>();
    List<String> quoted = new ArrayList<>();
    List<String> lines = Files.readAllLines(DOCS.resolve("troubleshooting.md"));
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = MARKER.matcher(lines.get(i));
      if (!m.matches()) {
        continue;
      }
      String message = m.group(1);
      quoted.add(message);
      if (message.length() < 10) {
        missing.add("line " + (i + 1) + ": `" + message + "` is too short to find a message by");
      } else if (!sources.contains(message) && !unescaped.contains(message)) {
        missing.add("line " + (i + 1) + ": `" + message + "` occurs in no */src/main file");
      }
    }
    assertThat(missing).as("messages quoted in docs/troubleshooting.md").isEmpty();
    assertThat(quoted)
        .as("### `…` headings in docs/troubleshooting.md")
        .hasSizeGreaterThan(MIN_MARKERS);
    assertThat(quoted).as("each message once").doesNotHaveDuplicates();
  }

  private static List<Path> pages() throws IOException {
    try (Stream<Path> files = Files.list(DOCS)) {
      return files.filter(p -> p.toString().endsWith(".md")).sorted().toList();
    }
  }

  private record Block(Path page, int line, String text) {
    String where() {
      return SlipwayChart.REPO.relativize(page) + ":" + line;
    }
  }

  /** The {@code ```yaml} blocks of a page, their indentation removed. */
  static List<Block> yamlBlocks(Path page) throws IOException {
    List<String> lines = Files.readAllLines(page);
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher open = FENCE.matcher(lines.get(i));
      if (!open.matches() || open.group(2).isEmpty()) {
        continue;
      }
      String indent = open.group(1);
      StringBuilder text = new StringBuilder();
      int j = i + 1;
      while (j < lines.size() && !lines.get(j).strip().equals("```")) {
        String line = lines.get(j);
        text.append(line.startsWith(indent) ? line.substring(indent.length()) : line.strip())
            .append('\n');
        j++;
      }
      if (open.group(2).equals("yaml")) {
        blocks.add(new Block(page, i + 1, text.toString()));
      }
      i = j;
    }
    return blocks;
  }

  /** The text of every file under a module's src/main, where messages live. */
  private static String mainSources() throws IOException {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> modules = Files.list(SlipwayChart.REPO)) {
      for (Path main :
          modules.map(m -> m.resolve("src/main")).filter(Files::isDirectory).toList()) {
        try (Stream<Path> files = Files.walk(main)) {
          for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
            all.append(new String(Files.readAllBytes(file), StandardCharsets.UTF_8)).append('\n');
          }
        }
      }
    }
    return all.toString();
  }
}
