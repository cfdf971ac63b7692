package dev.slipway.engine.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.api.control.v1.BuildContext;
import dev.slipway.api.control.v1.ClientContext;
import dev.slipway.api.control.v1.DockerfileSource;
import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.OutputType;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.engine.Engine;
import dev.slipway.engine.EngineConfig;
import dev.slipway.engine.content.CompressedLayer;
import dev.slipway.engine.content.LayerCompression;
import dev.slipway.engine.job.BuildCancellation;
import dev.slipway.engine.session.LocalSession;
import dev.slipway.testing.Command;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Builds a fixed set of conformance cases into OCI archives, cold (new state directory) and warm
 * (same cases again on a restarted engine), and prints the times; then prints layer compression
 * throughput on a real root filesystem tar. A benchmark, not a test: run {@code
 * engine/bench/build.sh} (arguments: the conformance directory, and optionally a layer tar to
 * compress).
 */
public final class BuildBenchmark {
  static final List<String> CASES =
      List.of(
          "copy-chown",
          "copy-dir-and-slash",
          "copy-wildcards",
          "env-forms",
          "fs-permissions-mtimes",
          "fs-symlinks",
          "heredoc-run",
          "mount-bind",
          "mount-tmpfs",
          "ms-copy-from-stage",
          "user-uid-gid",
          "volume-then-run",
          "workdir-relative");

  private BuildBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path conformance = Path.of(args.length > 0 ? args[0] : "../../shared/conformance");
    Path work = Files.createTempDirectory("slipway-bench-");
    Path cases = prepareContexts(conformance, work.resolve("ctx"));
    Path state = work.resolve("state");
    System.out.printf(
        Locale.ROOT,
        "%d cases, %d cores, state in %s%n%n%-24s %10s %10s%n",
        CASES.size(),
        Runtime.getRuntime().availableProcessors(),
        state,
        "case",
        "cold (s)",
        "warm (s)");
    double[] cold = buildAll(cases, state, work);
    double[] warm = buildAll(cases, state, work);
    double coldTotal = 0;
    double warmTotal = 0;
    for (int i = 0; i < CASES.size(); i++) {
      System.out.printf(Locale.ROOT, "%-24s %10.2f %10.2f%n", CASES.get(i), cold[i], warm[i]);
      coldTotal += cold[i];
      warmTotal += warm[i];
    }
    System.out.printf(Locale.ROOT, "%-24s %10.2f %10.2f%n%n", "total", coldTotal, warmTotal);
    compression(args.length > 1 ? Path.of(args[1]) : null);
    Command.of("rm", "-rf", work.toString()).output();
  }

  /**
   * Copies each case's context as the conformance runner does: modes normalised (git keeps none)
   * and the case's {@code prepare} script run in it (hard links, mtimes, empty directories).
   */
  private static Path prepareContexts(Path conformance, Path contexts) throws Exception {
    JsonNode meta =
        new ObjectMapper().readTree(conformance.resolve("cases.json").toFile()).get("cases");
    for (String name : CASES) {
      Path dst = contexts.resolve(name);
      Files.createDirectories(contexts);
      String prepare = meta.path(name).path("prepare").asText("");
      String script =
          """
          cp -a "$1" "$2" && cd "$2"
          find . -type d -exec chmod 755 {} +
          find . -type f -perm -u+x -exec chmod 755 {} +
          find . -type f ! -perm -u+x -exec chmod 644 {} +
          """
              + prepare;
      Command.Result prepared =
          Command.of(
                  "bash",
                  "-ec",
                  script,
                  "_",
                  conformance.resolve("cases").resolve(name).toString(),
                  dst.toString())
              .run();
      if (!prepared.succeeded()) {
        throw new IllegalStateException(
            "preparing the context of " + name + " failed: " + prepared);
      }
    }
    return contexts;
  }

  /** Builds every case on one engine; returns each build's wall time in seconds. */
  private static double[] buildAll(Path cases, Path state, Path work) throws Exception {
    double[] seconds = new double[CASES.size()];
    try (Engine engine = Engine.open(EngineConfig.defaults(state))) {
      for (int i = 0; i < CASES.size(); i++) {
        Path context = cases.resolve(CASES.get(i));
        SolveRequest request =
            SolveRequest.newBuilder()
                .setBuildId("bench-" + i)
                .setContext(
                    BuildContext.newBuilder()
                        .setClient(ClientContext.newBuilder().setName("context")))
                .setDockerfile(DockerfileSource.newBuilder().setPath("Dockerfile"))
                .addOutputs(
                    Output.newBuilder()
                        .setType(OutputType.OUTPUT_TYPE_OCI)
                        .setDest(work.resolve(CASES.get(i) + ".oci.tar").toString()))
                .build();
        long start = System.nanoTime();
        try (LocalSession session = LocalSession.builder().context("context", context).build()) {
          engine.solve(request, session, event -> {}, new BuildCancellation());
        }
        seconds[i] = (System.nanoTime() - start) / 1e9;
      }
    }
    return seconds;
  }

  /** Compresses a real layer (or layer-like data) with the exporters' compressions. */
  private static void compression(Path layerTar) throws Exception {
    byte[] data =
        layerTar != null && Files.isRegularFile(layerTar)
            ? Files.readAllBytes(layerTar)
            : CompressionThroughput.layerLikeData(200 << 20);
    System.out.printf(
        Locale.ROOT,
        "layer compression of %s (%.1f MB)%n",
        layerTar != null && Files.isRegularFile(layerTar) ? layerTar : "layer-like data",
        data.length / 1e6);
    for (LayerCompression c :
        List.of(
            LayerCompression.parallelGzip(6), LayerCompression.gzip(6), LayerCompression.zstd(3))) {
      // Warm-up on a slice, so the figure is not the JIT's.
      c.compress(
          new java.io.ByteArrayInputStream(data, 0, Math.min(data.length, 32 << 20)),
          OutputStream.nullOutputStream());
      long start = System.nanoTime();
      CompressedLayer layer;
      try (InputStream in = new java.io.ByteArrayInputStream(data)) {
        layer = c.compress(in, OutputStream.nullOutputStream());
      }
      double s = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "%-45s %8.1f MB/s  ratio %.3f%n",
          c,
          data.length / 1e6 / s,
          (double) layer.size() / layer.uncompressedSize());
    }
  }
}
