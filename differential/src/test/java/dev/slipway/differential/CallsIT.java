package dev.slipway.differential;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Asks the oracle's Dockerfile frontend and {@code bin/slipway build --call=...} the same questions
 * about every Dockerfile of {@code corpus-calls/AREA/NAME/} (AREA check, outline or targets;
 * optional files {@code target} and {@code build-args}, one NAME=VALUE a line) and compares the
 * answers. buildctl prints only a subrequest's result.txt, so the text is compared (rows whose
 * order BuildKit leaves to a Go map sorted), and Slipway's JSON (format=json) is checked against
 * what that text says: rule, message and line of every warning; names of args, secrets, ssh ids and
 * targets.
 */
class CallsIT {
  private static final Path REPO =
      Path.of(System.getProperty("slipway.root", "..")).toAbsolutePath().normalize();
  private static final Path CORPUS = REPO.resolve("differential/corpus-calls");
  private static final String ONLY = System.getProperty("differential.cases", "");
  private static final Path WORK =
      Path.of(System.getProperty("differential.work", "target/differential")).toAbsolutePath();
  private static final long TIMEOUT_SECONDS = 300;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Map<String, String> REQUESTS =
      Map.of(
          "check", "frontend.lint", "outline", "frontend.outline", "targets", "frontend.targets");

  @Test
  void everyCallAnswersLikeTheOracle() throws Exception {
    assertThat(REPO.resolve("cli/target/slipway-cli.jar"))
        .as("bin/slipway's jar (package the cli module first)")
        .exists();
    Pattern only = Pattern.compile(ONLY);
    List<Path> cases = new ArrayList<>();
    for (String area : REQUESTS.keySet().stream().sorted().toList()) {
      try (Stream<Path> dirs = Files.list(CORPUS.resolve(area))) {
        dirs.filter(d -> only.matcher(area + "/" + d.getFileName()).find())
            .sorted()
            .forEach(cases::add);
      }
    }
    assertThat(cases).as("cases under " + CORPUS).isNotEmpty();
    Map<String, List<String>> different = new TreeMap<>();
    try (Oracle oracle = Oracle.start(REPO, WORK.resolve("buildkit-calls"))) {
      for (Path c : cases) {
        String name = c.getParent().getFileName() + "/" + c.getFileName();
        List<String> diffs = compare(name, c, oracle);
        System.out.println((diffs.isEmpty() ? "EQUAL     " : "DIFFERENT ") + name);
        diffs.forEach(d -> System.out.println("    - " + d));
        if (!diffs.isEmpty()) {
          different.put(name, diffs);
        }
      }
    }
    assertThat(different).as("calls answered unlike %s", "BuildKit").isEmpty();
  }

  private static List<String> compare(String name, Path context, Oracle oracle)
      throws IOException, InterruptedException {
    String area = context.getParent().getFileName().toString();
    Path dir = Files.createDirectories(WORK.resolve("calls").resolve(name));
    Map<String, String> args = buildArgs(context);
    String target = optionalLine(context.resolve("target"));
    int oracleStatus =
        oracle.call(
            REQUESTS.get(area),
            context,
            args,
            target,
            dir.resolve("oracle.out"),
            dir.resolve("oracle.err"));
    int textStatus = slipway(area, context, args, target, dir, "slipway");
    int jsonStatus = slipway(area + ",format=json", context, args, target, dir, "slipway-json");
    String expected = read(dir.resolve("oracle.out"));
    String actual = read(dir.resolve("slipway.out"));
    List<String> diffs = new ArrayList<>();
    if (oracleStatus != 0) {
      if (textStatus == 0) {
        diffs.add(
            "the oracle failed, slipway did not: "
                + HostProcess.tail(dir.resolve("oracle.err"), 3));
      }
      return diffs;
    }
    if (area.equals("check")) {
      compareCheck(expected, actual, textStatus, jsonStatus, dir, diffs);
    } else {
      if (textStatus != 0) {
        diffs.add("slipway failed: " + HostProcess.tail(dir.resolve("slipway.err"), 3));
        return diffs;
      }
      boolean same =
          area.equals("outline")
              ? sections(expected).equals(sections(actual))
              : stripLines(expected).equals(stripLines(actual));
      if (!same) {
        diffs.add("text differs:\n" + expected + "\n  vs slipway:\n" + actual);
      }
      JsonNode json = MAPPER.readTree(read(dir.resolve("slipway-json.out")));
      List<String> fromText =
          area.equals("outline") ? outlineNames(expected) : targetNames(expected);
      List<String> fromJson = area.equals("outline") ? outlineNames(json) : targetNames(json);
      if (!fromText.equals(fromJson)) {
        diffs.add("JSON names " + fromJson + ", the oracle's text " + fromText);
      }
    }
    return diffs;
  }

  private static void compareCheck(
      String expected, String actual, int textStatus, int jsonStatus, Path dir, List<String> diffs)
      throws IOException {
    List<String> oracleWarnings = warningBlocks(expected);
    String header = actual.lines().findFirst().orElse("");
    String body = actual.substring(Math.min(actual.length(), header.length() + 1));
    String wantHeader =
        switch (oracleWarnings.size()) {
          case 0 -> "Check complete, no warnings found.";
          case 1 -> "Check complete, 1 warning has been found!";
          default -> "Check complete, " + oracleWarnings.size() + " warnings have been found!";
        };
    boolean slipwayError = read(dir.resolve("slipway.err")).contains("ERROR: ");
    if (!slipwayError && !header.equals(wantHeader)) {
      diffs.add("header \"" + header + "\", buildx says \"" + wantHeader + "\"");
    }
    if (!warningBlocks(body).equals(oracleWarnings)) {
      diffs.add("warnings differ:\n" + expected + "\n  vs slipway:\n" + body);
    }
    int wantStatus = slipwayError || !oracleWarnings.isEmpty() ? 1 : 0;
    if (textStatus != wantStatus || jsonStatus != wantStatus) {
      diffs.add("exit status " + textStatus + "/" + jsonStatus + ", buildx's " + wantStatus);
    }
    List<String> fromText = new ArrayList<>();
    for (String block : oracleWarnings) {
      String[] l = block.split("\n");
      fromText.add(
          l[0].replaceFirst("^WARNING: ", "").replaceFirst(" - .*", "")
              + " | "
              + l[1]
              + " | "
              + l[2]);
    }
    List<String> fromJson = new ArrayList<>();
    for (JsonNode w : MAPPER.readTree(read(dir.resolve("slipway-json.out"))).get("warnings")) {
      fromJson.add(
          w.get("ruleName").asText()
              + " | "
              + w.get("detail").asText()
              + " | Dockerfile:"
              + w.get("location").get("ranges").get(0).get("start").get("line").asInt());
    }
    fromText.sort(null);
    fromJson.sort(null);
    if (!fromText.equals(fromJson)) {
      diffs.add("JSON warnings " + fromJson + ", the oracle's text " + fromText);
    }
  }

  /** The warnings of a check's text, each from its WARNING line to its excerpt, sorted. */
  private static List<String> warningBlocks(String text) {
    List<String> blocks = new ArrayList<>();
    for (String b : stripLines(text).split("\n(?=WARNING: )")) {
      if (b.startsWith("WARNING: ")) {
        blocks.add(b.strip());
      }
    }
    blocks.sort(null);
    return blocks;
  }

  /**
   * A table's sections (split at empty lines), each its first line then its other rows sorted:
   * BuildKit lists secrets and ssh ids in a Go map's order.
   */
  private static List<List<String>> sections(String text) {
    List<List<String>> out = new ArrayList<>();
    for (String section : stripLines(text).strip().split("\n\n")) {
      List<String> rows = new ArrayList<>(Arrays.asList(section.split("\n")));
      List<String> rest = new ArrayList<>(rows.subList(1, rows.size()));
      rest.sort(null);
      List<String> s = new ArrayList<>();
      s.add(rows.get(0));
      s.addAll(rest);
      out.add(s);
    }
    return out;
  }

  private static List<String> outlineNames(String text) {
    List<String> names = new ArrayList<>();
    for (List<String> section : sections(text)) {
      String kind = section.get(0).split("\\s{2,}")[0];
      if (List.of("BUILD ARG", "SECRET", "SSH").contains(kind)) {
        section.subList(1, section.size()).forEach(r -> names.add(kind + " " + r.split("\\s+")[0]));
      }
    }
    names.sort(null);
    return names;
  }

  private static List<String> outlineNames(JsonNode json) {
    List<String> names = new ArrayList<>();
    Map<String, String> kinds = Map.of("args", "BUILD ARG", "secrets", "SECRET", "ssh", "SSH");
    kinds.forEach(
        (key, kind) -> {
          if (json.has(key)) {
            json.get(key).forEach(n -> names.add(kind + " " + n.get("name").asText()));
          }
        });
    names.sort(null);
    return names;
  }

  private static List<String> targetNames(String text) {
    return stripLines(text).lines().skip(1).map(l -> l.split("\\s+")[0]).toList();
  }

  private static List<String> targetNames(JsonNode json) {
    List<String> names = new ArrayList<>();
    for (JsonNode t : json.get("targets")) {
      String name = t.has("name") ? t.get("name").asText() : "";
      names.add(name.isEmpty() && t.has("default") ? "(default)" : name);
    }
    return names;
  }

  private static int slipway(
      String call, Path context, Map<String, String> args, String target, Path dir, String out)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                REPO.resolve("bin/slipway").toString(),
                "build",
                "--local",
                "--progress",
                "plain",
                "--call=" + call));
    args.forEach((k, v) -> command.addAll(List.of("--build-arg", k + "=" + v)));
    if (target != null) {
      command.addAll(List.of("--target", target));
    }
    command.add(context.toString());
    Map<String, String> env = new HashMap<>();
    env.put("SLIPWAY_STATE", WORK.resolve("slipway-state").toString());
    env.put("SLIPWAY_TTY", null);
    return HostProcess.run(
        command, env, dir.resolve(out + ".out"), dir.resolve(out + ".err"), TIMEOUT_SECONDS);
  }

  private static Map<String, String> buildArgs(Path context) throws IOException {
    Map<String, String> args = new LinkedHashMap<>();
    Path file = context.resolve("build-args");
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          args.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
    }
    return args;
  }

  private static String optionalLine(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8).strip() : null;
  }

  private static String stripLines(String text) {
    return String.join("\n", text.lines().map(String::stripTrailing).toList());
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
  }
}
