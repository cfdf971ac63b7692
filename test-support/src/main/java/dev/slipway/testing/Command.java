package dev.slipway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a short setup command (git, ssh-keygen, ssh-add) and fails with what it printed. */
final class Command {

  private static final long TIMEOUT_SECONDS = 60;

  private Command() {}

  /** Runs {@code program} in {@code dir} with {@code environment} added; returns its stdout. */
  static String run(Path dir, Map<String, String> environment, String program, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(program));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().putAll(environment);
    Process process = builder.start();
    process.getOutputStream().close();
    // Both streams are drained at once, so that neither fills its pipe and blocks the command.
    CompletableFuture<String> stdout = read(process.getInputStream());
    CompletableFuture<String> stderr = read(process.getErrorStream());
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new IOException(
          String.join(" ", command) + " in " + dir + " took over " + TIMEOUT_SECONDS + "s");
    }
    if (process.exitValue() != 0) {
      throw new IOException(
          String.join(" ", command)
              + " in "
              + dir
              + " exited with "
              + process.exitValue()
              + ":\n"
              + stderr.join()
              + stdout.join());
    }
    return stdout.join();
  }

  private static CompletableFuture<String> read(InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}
