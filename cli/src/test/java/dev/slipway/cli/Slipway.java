package dev.slipway.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code bin/slipway} launcher (and other host programs) as a separate process, the
 * way a person or a CI job does, with its own engine state directory.
 */
final class Slipway {
  static final Path ROOT =
      Path.of(System.getProperty("slipway.root", "..")).toAbsolutePath().normalize();
  static final Path LAUNCHER = ROOT.resolve("bin/slipway");

  /** The base image .ci/setup pushes to the local registry. */
  static final String BASE = "127.0.0.1:5000/busybox:latest";

  private final Path state;

  Slipway(Path state) {
    this.state = state;
  }

  CliRun run(String... args) {
    return run(Map.of(), null, List.of(args));
  }

  /**
   * @param env variables added to (or, with a null value, removed from) this JVM's environment
   * @param stdin text for standard input, or null for none
   */
  CliRun run(Map<String, String> env, String stdin, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(LAUNCHER.toString());
    command.addAll(args);
    Map<String, String> environment = new HashMap<>(env);
    environment.putIfAbsent("SLIPWAY_STATE", state.toString());
    environment.putIfAbsent("SLIPWAY_TTY", null);
    // These tests build with the embedded engine: a kubeconfig on the machine that runs them would
    // make cluster mode the default.
    environment.putIfAbsent("KUBECONFIG", state.resolve("no-kubeconfig").toString());
    return exec(command, environment, stdin);
  }

  /** Runs any program to its end (at most five minutes) and returns what it printed. */
  static CliRun exec(List<String> command, Map<String, String> env, String stdin) {
    try {
      Path out = Files.createTempFile("slipway-it", ".out");
      Path err = Files.createTempFile("slipway-it", ".err");
      try {
        ProcessBuilder pb =
            new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .directory(ROOT.toFile());
        env.forEach(
            (k, v) -> {
              if (v == null) {
                pb.environment().remove(k);
              } else {
                pb.environment().put(k, v);
              }
            });
        Path in = null;
        if (stdin != null) {
          in = Files.createTempFile("slipway-it", ".in");
          Files.writeString(in, stdin);
          pb.redirectInput(in.toFile());
        }
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
          p.destroyForcibly();
          throw new AssertionError(command + " did not finish within five minutes");
        }
        if (in != null) {
          Files.delete(in);
        }
        return new CliRun(
            p.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + command, e);
    }
  }

  static CliRun exec(String... command) {
    return exec(List.of(command), Map.of(), null);
  }

  /** Writes a build context: a Dockerfile and, optionally, more files (name, content pairs). */
  static Path context(Path dir, String dockerfile, String... files) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("Dockerfile"), dockerfile);
    for (int i = 0; i + 1 < files.length; i += 2) {
      Files.writeString(dir.resolve(files[i]), files[i + 1]);
    }
    return dir;
  }
}
