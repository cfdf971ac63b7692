package dev.slipway.cli.remote;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real {@code bin/slipway build --builder ...} process, its output kept in a log file. */
final class CliProcess {
  final Process process;
  final Path log;

  private CliProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static CliProcess start(Path repo, Path log, Map<String, String> env, List<String> args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(repo.resolve("bin/slipway").toString());
    command.add("build");
    command.addAll(args);
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().remove("SSH_AUTH_SOCK");
    pb.environment().putAll(env);
    return new CliProcess(pb.start(), log);
  }

  /** Waits for the CLI to exit; returns its exit code. */
  int await() throws InterruptedException {
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("the CLI did not finish in 5 minutes");
    }
    return process.exitValue();
  }

  String output() throws IOException {
    return Files.readString(log);
  }
}
