package dev.slipway.cli.remote;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real {@code bin/slipway-builder} process on loopback, with its metrics endpoint. */
final class BuilderProcess implements AutoCloseable {
  private static final Pattern LISTENING =
      Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+), metrics on 127\\.0\\.0\\.1:(\\d+)");

  final Path repo;
  final Path log;
  private final Process process;
  private final int port;
  private final int metricsPort;
  private final HttpClient http = HttpClient.newHttpClient();

  private BuilderProcess(Path repo, Path log, Process process, int port, int metricsPort) {
    this.repo = repo;
    this.log = log;
    this.process = process;
    this.port = port;
    this.metricsPort = metricsPort;
  }

  static BuilderProcess start(Path repo, Path state, Path tokenFile, int maxBuilds)
      throws IOException, InterruptedException {
    Path log = state.resolveSibling(state.getFileName() + ".log");
    Process p =
        new ProcessBuilder(
                List.of(
                    repo.resolve("bin/slipway-builder").toString(),
                    "--listen",
                    "127.0.0.1:0",
                    "--metrics-listen",
                    "127.0.0.1:0",
                    "--state",
                    state.toString(),
                    "--token-file",
                    tokenFile.toString(),
                    "--max-builds",
                    Integer.toString(maxBuilds)))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      Matcher m = LISTENING.matcher(Files.readString(log));
      if (m.find()) {
        return new BuilderProcess(
            repo, log, p, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
      }
      if (!p.isAlive()) {
        break;
      }
      Thread.sleep(100);
    }
    p.destroyForcibly();
    throw new IllegalStateException("the builder did not start:\n" + Files.readString(log));
  }

  String address() {
    return "grpc://127.0.0.1:" + port;
  }

  /** The sum of a metric's samples (all label sets) from {@code /metrics}. */
  double metric(String name) throws IOException, InterruptedException {
    String body =
        http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    double sum = 0;
    for (String line : body.lines().toList()) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  /** Waits until {@code name} satisfies {@code condition}; returns its last value. */
  double awaitMetric(String name, DoublePredicate condition, Duration patience)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    double value = metric(name);
    while (!condition.test(value) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      value = metric(name);
    }
    return value;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
