package dev.slipway.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the real tools the journeys use (kubectl, helm, ctr, skopeo, bin/slipway). */
public final class Commands {

  /** What a finished command said. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {
    public Result requireSuccess() {
      if (exitCode != 0) {
        throw new AssertionError(
            String.join(" ", command)
                + " exited with "
                + exitCode
                + "\nstdout:\n"
                + stdout
                + "\nstderr:\n"
                + stderr);
      }
      return this;
    }
  }

  private Commands() {}

  public static Result run(
      List<String> command, Map<String, String> env, String stdin, Duration timeout, Path dir) {
    try {
      List<String> argv = new java.util.ArrayList<>(command);
      argv.set(0, executable(command.get(0), env.get("PATH")));
      ProcessBuilder builder = new ProcessBuilder(argv);
      builder.environment().putAll(env);
      if (dir != null) {
        builder.directory(dir.toFile());
      }
      Process process = builder.start();
      CompletableFuture<String> out = drain(process.getInputStream());
      CompletableFuture<String> err = drain(process.getErrorStream());
      try (var in = process.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError(
            String.join(" ", command) + " did not finish within " + timeout + "\n" + out.join());
      }
      return new Result(command, process.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new AssertionError("cannot run " + String.join(" ", command) + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + command, e);
    }
  }

  /** ProcessBuilder looks commands up in this JVM's PATH; the cluster's tools are on env's. */
  private static String executable(String name, String path) {
    if (path == null || name.contains("/")) {
      return name;
    }
    for (String dir : path.split(":")) {
      if (java.nio.file.Files.isExecutable(Path.of(dir, name))) {
        return Path.of(dir, name).toString();
      }
    }
    return name;
  }

  private static CompletableFuture<String> drain(java.io.InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "(output lost: " + e + ")";
          }
        });
  }
}
