package dev.slipway.cli;

import dev.slipway.testing.Busybox;
import dev.slipway.testing.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the real {@code bin/slipway} launcher (and other host programs) as a separate process, the
 * way a person or a CI job does, with its own engine state directory.
 */
final class Slipway {
  static final Path ROOT =
      Path.of(System.getProperty("slipway.root", "..")).toAbsolutePath().normalize();
  static final Path LAUNCHER = ROOT.resolve("bin/slipway");

  /** The base image .ci/setup pushes to the local registry. */
  static final String BASE = Busybox.IN_REGISTRY;

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

  /** Runs any program in the repository to its end (at most five minutes); what it printed. */
  static CliRun exec(List<String> command, Map<String, String> env, String stdin) {
    Command.Result result =
        Command.of(command).in(ROOT).env(env).stdin(stdin).timeout(Duration.ofMinutes(5)).run();
    return new CliRun(result.exitCode(), result.stdout(), result.stderr());
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
