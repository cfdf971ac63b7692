package dev.slipway.differential;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One case of the shared conformance corpus ({@code ../shared/conformance/cases.json}): a build
 * context and how to build it.
 *
 * @param secrets secret id to the absolute path of its file
 * @param prepare shell run in the scratch copy of the context (links, modes, mtimes git cannot
 *     keep), or null
 * @param expectError whether the corpus expects every builder to reject the case
 */
record ConformanceCase(
    String name,
    Path source,
    Map<String, String> buildArgs,
    String target,
    Map<String, Path> secrets,
    String prepare,
    boolean needsHttp,
    boolean expectError) {

  static List<ConformanceCase> load(Path corpus) throws IOException {
    JsonNode cases =
        new ObjectMapper().readTree(corpus.resolve("cases.json").toFile()).get("cases");
    List<ConformanceCase> out = new ArrayList<>();
    for (var it = cases.fields(); it.hasNext(); ) {
      var e = it.next();
      JsonNode c = e.getValue();
      Map<String, String> args = new LinkedHashMap<>();
      c.path("build_args")
          .fields()
          .forEachRemaining(a -> args.put(a.getKey(), a.getValue().asText()));
      Map<String, Path> secrets = new LinkedHashMap<>();
      c.path("secrets")
          .fields()
          .forEachRemaining(s -> secrets.put(s.getKey(), corpus.resolve(s.getValue().asText())));
      out.add(
          new ConformanceCase(
              e.getKey(),
              corpus.resolve("cases").resolve(e.getKey()),
              args,
              c.hasNonNull("target") ? c.get("target").asText() : null,
              secrets,
              c.hasNonNull("prepare") ? c.get("prepare").asText() : null,
              c.path("needs_http").asBoolean(false),
              "error".equals(c.path("expect").asText())));
    }
    out.sort((a, b) -> a.name().compareTo(b.name()));
    return out;
  }

  /**
   * Copies the context to {@code dir} the way the corpus' checker does: git keeps neither modes
   * beyond +x nor hard links, so modes are normalized before the case's prepare step runs.
   */
  Path prepareContext(Path dir) throws IOException, InterruptedException {
    HostProcess.output(dir.getParent(), "rm", "-rf", dir.toString());
    HostProcess.output(dir.getParent(), "cp", "-a", source.toString(), dir.toString());
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.toList()) {
        if (Files.isSymbolicLink(p)) {
          continue;
        }
        boolean executable =
            Files.getPosixFilePermissions(p).contains(PosixFilePermission.OWNER_EXECUTE);
        String mode = Files.isDirectory(p) || executable ? "rwxr-xr-x" : "rw-r--r--";
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
      }
    }
    if (prepare != null) {
      HostProcess.output(dir, "bash", "-ec", prepare);
    }
    return dir;
  }
}
