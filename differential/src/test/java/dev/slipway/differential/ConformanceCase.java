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
 * One differential case: a build context (its Dockerfile inside) and how to build it. Cases come
 * from the shared conformance corpus ({@code ../shared/conformance/cases.json}) and from the
 * module's own corpus ({@code differential/corpus/AREA/NAME/case.json}, see its README).
 *
 * @param name the shared corpus' case name, or {@code AREA/NAME} for the module's own cases
 * @param secrets secret id to the absolute path of its file
 * @param prepare shell run in the scratch copy of the context (links, modes, mtimes git cannot
 *     keep), or null
 * @param expectError whether every builder is expected to reject the case
 * @param buildContexts named contexts: name to a path inside the case's context, or a source with a
 *     scheme ({@code docker-image://REF}, a git or https URL) passed through as it is
 * @param allow entitlements granted to the build ({@code security.insecure}, …)
 */
record ConformanceCase(
    String name,
    Path source,
    Map<String, String> buildArgs,
    String target,
    Map<String, Path> secrets,
    String prepare,
    boolean needsHttp,
    boolean expectError,
    Map<String, String> buildContexts,
    List<String> allow) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The shared corpus: one {@code cases.json} listing folders under {@code cases/}. */
  static List<ConformanceCase> loadShared(Path corpus) throws IOException {
    JsonNode cases = JSON.readTree(corpus.resolve("cases.json").toFile()).get("cases");
    List<ConformanceCase> out = new ArrayList<>();
    for (var it = cases.fields(); it.hasNext(); ) {
      var e = it.next();
      out.add(of(e.getKey(), corpus.resolve("cases").resolve(e.getKey()), e.getValue(), corpus));
    }
    out.sort((a, b) -> a.name().compareTo(b.name()));
    return out;
  }

  /**
   * The module's own corpus: every {@code AREA/NAME/case.json} under {@code corpus}; the folder
   * holding it is the build context. Secrets are paths relative to {@code corpus}.
   */
  static List<ConformanceCase> loadOwn(Path corpus) throws IOException {
    List<ConformanceCase> out = new ArrayList<>();
    try (Stream<Path> files = Files.find(corpus, 3, (p, a) -> p.endsWith("case.json"))) {
      for (Path file : files.sorted().toList()) {
        Path dir = file.getParent();
        if (corpus.relativize(dir).getNameCount() != 2) {
          throw new IOException(file + ": a case lives at " + corpus + "/AREA/NAME/case.json");
        }
        JsonNode c = JSON.readTree(file.toFile());
        if (c.path("desc").asText("").isBlank()) {
          throw new IOException(file + ": say in \"desc\" which rule the case tests");
        }
        String name = dir.getParent().getFileName() + "/" + dir.getFileName();
        out.add(of(name, dir, c, corpus));
      }
    }
    return out;
  }

  private static ConformanceCase of(String name, Path source, JsonNode c, Path secretsRoot) {
    Map<String, String> args = new LinkedHashMap<>();
    c.path("build_args")
        .fields()
        .forEachRemaining(a -> args.put(a.getKey(), a.getValue().asText()));
    Map<String, Path> secrets = new LinkedHashMap<>();
    c.path("secrets")
        .fields()
        .forEachRemaining(s -> secrets.put(s.getKey(), secretsRoot.resolve(s.getValue().asText())));
    Map<String, String> contexts = new LinkedHashMap<>();
    c.path("build_contexts")
        .fields()
        .forEachRemaining(b -> contexts.put(b.getKey(), b.getValue().asText()));
    List<String> allow = new ArrayList<>();
    c.path("allow").forEach(a -> allow.add(a.asText()));
    return new ConformanceCase(
        name,
        source,
        args,
        c.hasNonNull("target") ? c.get("target").asText() : null,
        secrets,
        c.hasNonNull("prepare") ? c.get("prepare").asText() : null,
        c.path("needs_http").asBoolean(false),
        "error".equals(c.path("expect").asText()),
        contexts,
        allow);
  }

  /**
   * Where a named context points for a builder: a path inside the prepared {@code context}, or the
   * source itself when it has a scheme.
   */
  String buildContextSource(String contextName, Path context) {
    String value = buildContexts.get(contextName);
    return value.contains("://") ? value : context.resolve(value).normalize().toString();
  }

  /**
   * Copies the context to {@code dir} the way the corpus' checker does: git keeps neither modes
   * beyond +x nor hard links, so modes are normalized before the case's prepare step runs.
   */
  Path prepareContext(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir.getParent());
    HostProcess.output(dir.getParent(), "rm", "-rf", dir.toString());
    HostProcess.output(dir.getParent(), "cp", "-a", source.toString(), dir.toString());
    Files.deleteIfExists(dir.resolve("case.json"));
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
