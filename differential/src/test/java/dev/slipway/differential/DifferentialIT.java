package dev.slipway.differential;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.SimpleFileServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Builds every case of the shared conformance corpus and of the module's own corpus with the
 * packaged {@code bin/slipway} and with the oracle (a pinned modern BuildKit), and compares the two
 * images. The set of cases that differ must be exactly the README's "Known differences" table.
 */
class DifferentialIT {
  private static final Path REPO =
      Path.of(System.getProperty("slipway.root", "..")).toAbsolutePath().normalize();
  private static final Path MODULE = REPO.resolve("differential");
  private static final Path CORPUS = REPO.resolve("../shared/conformance").normalize();
  private static final Path OWN_CORPUS = MODULE.resolve("corpus");

  /** A regular expression: only the cases whose name it finds run (for working on some). */
  private static final String ONLY = System.getProperty("differential.cases", "");

  private static final Path WORK =
      Path.of(System.getProperty("differential.work", "target/differential")).toAbsolutePath();
  private static final long BUILD_TIMEOUT_SECONDS = 600;

  /** Where the corpus' ADD-from-URL cases fetch from (its tools serve http-root there too). */
  private static final int HTTP_PORT = 18080;

  @Test
  void everyCaseBuildsLikeTheOracle() throws Exception {
    assertThat(CORPUS.resolve("cases.json")).as("the shared conformance corpus").exists();
    assertThat(REPO.resolve("cli/target/slipway-cli.jar"))
        .as("bin/slipway's jar (package the cli module first)")
        .exists();
    List<ConformanceCase> all = new ArrayList<>(ConformanceCase.loadShared(CORPUS));
    all.addAll(ConformanceCase.loadOwn(OWN_CORPUS));
    Pattern only = Pattern.compile(ONLY);
    List<ConformanceCase> cases = all.stream().filter(c -> only.matcher(c.name()).find()).toList();
    if (cases.size() < all.size()) {
      System.out.printf(
          "%n*** differential: ONLY %d OF %d CASES RUN (-Ddifferential.cases=%s) ***%n%n",
          cases.size(), all.size(), ONLY);
    }
    Files.createDirectories(WORK);
    Map<String, List<String>> different = new java.util.TreeMap<>();
    StringBuilder report = new StringBuilder();
    long started = System.nanoTime();
    String version;
    HttpServer http = null;
    CorpusGitServer git = null;
    try (Oracle oracle = Oracle.start(REPO, WORK.resolve("buildkit"))) {
      version = oracle.version;
      if (cases.stream().anyMatch(ConformanceCase::needsHttp)) {
        http = serveHttpRoot();
      }
      if (Files.isDirectory(OWN_CORPUS.resolve("git-repos"))) {
        git = CorpusGitServer.start(OWN_CORPUS.resolve("git-repos"), WORK.resolve("git"));
      }
      for (ConformanceCase c : cases) {
        List<String> diffs = compare(c, oracle);
        String line = (diffs.isEmpty() ? "EQUAL     " : "DIFFERENT ") + c.name();
        report.append(line).append('\n');
        diffs.forEach(d -> report.append("    - ").append(d).append('\n'));
        System.out.println(line);
        diffs.forEach(d -> System.out.println("    - " + d));
        if (!diffs.isEmpty()) {
          different.put(c.name(), diffs);
        }
      }
    } finally {
      if (http != null) {
        http.stop(0);
      }
      if (git != null) {
        git.close();
      }
    }
    String summary =
        String.format(
            "%d cases: %d equal, %d different (oracle: %s; %ds)",
            cases.size(),
            cases.size() - different.size(),
            different.size(),
            version,
            (System.nanoTime() - started) / 1_000_000_000L);
    report.append(summary).append('\n');
    System.out.println(summary);
    Files.writeString(WORK.resolve("report.txt"), report, StandardCharsets.UTF_8);

    Set<String> known = new TreeSet<>(KnownDifferences.in(MODULE.resolve("README.md")));
    known.removeIf(name -> !only.matcher(name).find());
    Set<String> newlyDifferent = new TreeSet<>(different.keySet());
    newlyDifferent.removeAll(known);
    Set<String> nowEqual = new TreeSet<>(known);
    nowEqual.removeAll(different.keySet());
    assertThat(different.keySet())
        .as(
            "cases that differ from the oracle (see %s) must be exactly the table \"Known"
                + " differences\" in differential/README.md; differing but not listed: %s; listed"
                + " but now equal: %s. Fix the difference, or update the table (and the counts"
                + " next to it).",
            WORK.resolve("report.txt"), newlyDifferent, nowEqual)
        .containsExactlyInAnyOrderElementsOf(known);
  }

  /** Builds one case with both builders; returns the differences (empty: equal). */
  private static List<String> compare(ConformanceCase c, Oracle oracle) throws Exception {
    Path dir = WORK.resolve("cases").resolve(c.name());
    Files.createDirectories(dir);
    Files.createDirectories(dir);
    Path context = c.prepareContext(dir.resolve("context"));
    Path oracleImage = dir.resolve("oracle.oci.tar");
    Path slipwayImage = dir.resolve("slipway.oci.tar");
    Files.deleteIfExists(oracleImage);
    Files.deleteIfExists(slipwayImage);
    int oracleStatus = oracle.build(c, context, oracleImage, dir.resolve("oracle.log"));
    int slipwayStatus = buildWithSlipway(c, context, slipwayImage, dir.resolve("slipway.log"));
    List<String> diffs = new ArrayList<>();
    if (oracleStatus != 0 || slipwayStatus != 0) {
      if ((oracleStatus == 0) != (slipwayStatus == 0)) {
        Path failed = dir.resolve(oracleStatus != 0 ? "oracle.log" : "slipway.log");
        diffs.add(
            (oracleStatus != 0 ? "only the oracle" : "only slipway")
                + " rejects the build:\n    | "
                + HostProcess.tail(failed, 6));
      }
      if (diffs.isEmpty() && !c.expectError()) {
        // Not a parity: a broken setup (registry, http server) fails both builders alike.
        diffs.add(
            "both builders reject a case the corpus expects to build:\n    | "
                + HostProcess.tail(dir.resolve("oracle.log"), 6));
      }
      return diffs; // both rejected it: they agree
    }
    NormalizedImage expected = NormalizedImage.of(CORPUS, oracleImage, dir.resolve("oracle.json"));
    NormalizedImage actual = NormalizedImage.of(CORPUS, slipwayImage, dir.resolve("slipway.json"));
    return expected.differencesTo(actual);
  }

  private static int buildWithSlipway(ConformanceCase c, Path context, Path out, Path log)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                REPO.resolve("bin/slipway").toString(),
                "build",
                "--local",
                "--progress",
                "plain",
                "-o",
                "type=oci,dest=" + out));
    c.buildArgs().forEach((k, v) -> command.addAll(List.of("--build-arg", k + "=" + v)));
    if (c.target() != null) {
      command.addAll(List.of("--target", c.target()));
    }
    c.secrets()
        .forEach((id, src) -> command.addAll(List.of("--secret", "id=" + id + ",src=" + src)));
    c.buildContexts()
        .keySet()
        .forEach(
            name ->
                command.addAll(
                    List.of("--build-context", name + "=" + c.buildContextSource(name, context))));
    c.allow().forEach(a -> command.addAll(List.of("--allow", a)));
    command.add(context.toString());
    Map<String, String> env = new HashMap<>();
    env.put("SLIPWAY_STATE", WORK.resolve("slipway-state").toString());
    env.put("SLIPWAY_TTY", null);
    return HostProcess.run(command, env, log, BUILD_TIMEOUT_SECONDS);
  }

  /** Serves the shared corpus' {@code http-root/} merged with the own corpus' one. */
  private static HttpServer serveHttpRoot() throws IOException, InterruptedException {
    Path root = WORK.resolve("http-root");
    HostProcess.output(WORK, "rm", "-rf", root.toString());
    HostProcess.output(WORK, "cp", "-a", CORPUS.resolve("http-root").toString(), root.toString());
    if (Files.isDirectory(OWN_CORPUS.resolve("http-root"))) {
      HostProcess.output(
          WORK, "cp", "-a", OWN_CORPUS.resolve("http-root").toString() + "/.", root.toString());
    }
    HttpServer server =
        SimpleFileServer.createFileServer(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), HTTP_PORT),
            root,
            SimpleFileServer.OutputLevel.NONE);
    server.start();
    return server;
  }
}
