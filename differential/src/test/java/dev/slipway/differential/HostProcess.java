package dev.slipway.differential;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a host program to its end with its output in a log file, as the builders are run. */
final class HostProcess {
  private HostProcess() {}

  /**
   * @param env variables added to (or, with a null value, removed from) this JVM's environment
   * @return the exit status; 124 when the program ran out of time (it is then killed)
   */
  static int run(List<String> command, Map<String, String> env, Path log, long timeoutSeconds)
      throws IOException, InterruptedException {
    return run(null, command, env, log, timeoutSeconds);
  }

  /**
   * As {@link #run(List, Map, Path, long)}, standard output apart from standard error (for a
   * program whose answer is its standard output).
   */
  static int run(
      List<String> command, Map<String, String> env, Path out, Path err, long timeoutSeconds)
      throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    return run(builder, env, err, timeoutSeconds);
  }

  static int run(
      Path cwd, List<String> command, Map<String, String> env, Path log, long timeoutSeconds)
      throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    if (cwd != null) {
      builder.directory(cwd.toFile());
    }
    return run(builder, env, log, timeoutSeconds);
  }

  private static int run(
      ProcessBuilder builder, Map<String, String> env, Path log, long timeoutSeconds)
      throws IOException, InterruptedException {
    env.forEach(
        (k, v) -> {
          if (v == null) {
            builder.environment().remove(k);
          } else {
            builder.environment().put(k, v);
          }
        });
    Process process = builder.start();
    process.getOutputStream().close();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor();
      Files.writeString(
          log,
          "\n[differential] killed after " + timeoutSeconds + "s\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.APPEND);
      return 124;
    }
    return process.exitValue();
  }

  /** Runs a command that must succeed in {@code cwd} and returns what it printed. */
  static String output(Path cwd, String... command) throws IOException, InterruptedException {
    Path log = Files.createTempFile("differential", ".log");
    try {
      int status = run(cwd, List.of(command), Map.of(), log, 900);
      String out = Files.readString(log, StandardCharsets.UTF_8);
      if (status != 0) {
        throw new IOException(String.join(" ", command) + " exited with " + status + ":\n" + out);
      }
      return out;
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** The last {@code n} lines of a log, for a failure message. */
  static String tail(Path log, int n) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n    | ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
