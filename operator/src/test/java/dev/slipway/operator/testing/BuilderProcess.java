package dev.slipway.operator.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real {@code bin/slipway-builder} process listening on 127.0.0.1 and a free port. */
public final class BuilderProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

  private final String name;
  private final Process process;
  private final Path log;
  private final int port;

  private BuilderProcess(String name, Process process, Path log, int port) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /**
   * Starts the builder of {@code repo} and waits until it listens.
   *
   * @param environment the builder's configuration, as a pod's container gets it
   */
  public static BuilderProcess start(
      String name, Path repo, Path state, Path tokenFile, Map<String, String> environment)
      throws IOException {
    Path log = state.resolveSibling(state.getFileName() + ".log");
    ProcessBuilder command =
        new ProcessBuilder(
                List.of(
                    repo.resolve("bin/slipway-builder").toString(),
                    "--listen",
                    "127.0.0.1:0",
                    "--state",
                    state.toString(),
                    "--token-file",
                    tokenFile.toString()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    command.environment().putAll(environment);
    Process process = command.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    try {
      while (System.nanoTime() < deadline) {
        Matcher listening = LISTENING.matcher(Files.readString(log));
        if (listening.find()) {
          return new BuilderProcess(name, process, log, Integer.parseInt(listening.group(1)));
        }
        if (!process.isAlive()) {
          break;
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process.destroyForcibly();
    throw new IOException("builder " + name + " did not start:\n" + Files.readString(log));
  }

  public int port() {
    return port;
  }

  /** What the builder printed so far, for failure messages. */
  public String log() throws IOException {
    return Files.readString(log);
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
    return "builder process " + name + " on 127.0.0.1:" + port;
  }
}
