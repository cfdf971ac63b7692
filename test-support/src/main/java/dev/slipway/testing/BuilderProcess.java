package dev.slipway.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code bin/slipway-builder} process on 127.0.0.1, its gRPC and metrics endpoints on free
 * ports.
 */
public final class BuilderProcess implements AutoCloseable {

  private static final Pattern LISTENING =
      Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+), metrics on 127\\.0\\.0\\.1:(\\d+)");

  private final Process process;
  private final Path log;
  private final int port;
  private final int metricsPort;
  private final HttpClient http = HttpClient.newHttpClient();

  private final boolean tls;

  private BuilderProcess(Process process, Path log, int port, int metricsPort, boolean tls) {
    this.process = process;
    this.log = log;
    this.port = port;
    this.metricsPort = metricsPort;
    this.tls = tls;
  }

  /**
   * Starts the builder of the Slipway checkout {@code repo} and waits until it listens; it prints
   * to {@code <state>.log}.
   *
   * @param environment the builder's configuration, as a pod's container gets it (e.g. {@code
   *     SLIPWAY_MAX_PARALLEL_BUILDS})
   */
  public static BuilderProcess start(
      Path repo, Path state, Path tokenFile, Map<String, String> environment) throws IOException {
    return start(repo, state, List.of("--token-file", tokenFile.toString()), environment);
  }

  /**
   * Starts the builder with {@code authFlags} deciding who may call it and how: {@code
   * --auth-public-key FILE --auth-audience NAME} (grants), {@code --token-file FILE} (the dev
   * token) or {@code --insecure-no-auth}, each optionally with {@code --tls-cert FILE --tls-key
   * FILE}.
   */
  public static BuilderProcess start(
      Path repo, Path state, List<String> authFlags, Map<String, String> environment)
      throws IOException {
    Path log = state.resolveSibling(state.getFileName() + ".log");
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                repo.resolve("bin/slipway-builder").toString(),
                "--listen",
                "127.0.0.1:0",
                "--metrics-listen",
                "127.0.0.1:0",
                "--state",
                state.toString()));
    args.addAll(authFlags);
    boolean tls = authFlags.contains("--tls-cert");
    ProcessBuilder command =
        new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(log.toFile());
    command.environment().putAll(environment);
    Process process = command.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    try {
      while (System.nanoTime() < deadline && process.isAlive()) {
        Matcher listening = LISTENING.matcher(Files.readString(log));
        if (listening.find()) {
          return new BuilderProcess(
              process,
              log,
              Integer.parseInt(listening.group(1)),
              Integer.parseInt(listening.group(2)),
              tls);
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process.destroyForcibly();
    throw new IOException(
        "the builder with state " + state + " did not start; its log:\n" + Files.readString(log));
  }

  public int port() {
    return port;
  }

  /** What {@code slipway build --builder} takes: grpcs:// when the builder serves TLS. */
  public String address() {
    return (tls ? "grpcs" : "grpc") + "://127.0.0.1:" + port;
  }

  /** What the builder printed so far, for assertions and failure messages. */
  public String log() throws IOException {
    return Files.readString(log);
  }

  /** The sum of a metric's samples (all label sets) from {@code /metrics}. */
  public double metric(String name) throws IOException, InterruptedException {
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
  public double awaitMetric(String name, DoublePredicate condition, Duration patience)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    double value = metric(name);
    while (!condition.test(value) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      value = metric(name);
    }
    return value;
  }

  /** Kills the process at once (SIGKILL), as a node failure would: it cleans up nothing. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  @Override
  public String toString() {
    return "builder process on 127.0.0.1:" + port;
  }
}
