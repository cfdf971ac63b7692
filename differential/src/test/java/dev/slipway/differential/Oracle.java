package dev.slipway.differential;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The test oracle: a {@code buildkitd} of the pinned release (built by {@code oracle/build.sh})
 * with the OCI worker on a unix socket under the test's work directory, and {@code buildctl} builds
 * against it with BuildKit's own Dockerfile frontend.
 */
final class Oracle implements AutoCloseable {
  private static final long BUILD_TIMEOUT_SECONDS = 600;

  private final Path bin;
  private final Path root;
  private final Path socket;
  private final Process daemon;
  final String version;

  private Oracle(Path bin, Path root, Path socket, Process daemon, String version) {
    this.bin = bin;
    this.root = root;
    this.socket = socket;
    this.daemon = daemon;
    this.version = version;
  }

  /** Starts a fresh daemon under {@code dir} and waits until it lists its worker. */
  static Oracle start(Path repo, Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    String built = HostProcess.output(dir, repo.resolve("differential/oracle/build.sh").toString());
    Path bin = Path.of(built.strip().lines().reduce((a, b) -> b).orElseThrow());
    Path root = dir.resolve("root");
    unmountUnder(root);
    HostProcess.output(dir, "rm", "-rf", root.toString());
    Path socket = dir.resolve("buildkitd.sock");
    Files.deleteIfExists(socket);
    if (socket.toString().length() > 100) {
      throw new IOException("unix socket path too long for the kernel: " + socket);
    }
    List<String> command =
        List.of(
            bin.resolve("buildkitd").toString(),
            "--config",
            repo.resolve("differential/oracle/buildkitd.toml").toString(),
            "--root",
            root.toString(),
            "--addr",
            "unix://" + socket,
            "--oci-worker=true",
            "--containerd-worker=false",
            "--oci-worker-binary=runc",
            // The overlayfs snapshotter's differ drops hard links that a RUN makes to a file of a
            // lower layer (fs-hardlinks); the native one keeps them, as BuildKit means to.
            "--oci-worker-snapshotter=native",
            // the corpus' http cases fetch from a server on loopback
            "--oci-worker-net=host",
            // granted only to the cases whose case.json lists them under "allow"
            "--allow-insecure-entitlement",
            "security.insecure",
            "--allow-insecure-entitlement",
            "network.host");
    Path log = dir.resolve("buildkitd.log");
    Process daemon =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    // build.sh pins the release and names the directory after it (buildkitd --version of binaries
    // built without its -X flag says v0.0.0+unknown)
    String version =
        "BuildKit " + bin.getParent().getFileName().toString().replaceFirst("^buildkit-", "");
    Oracle oracle = new Oracle(bin, root, socket, daemon, version);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Path probe = dir.resolve("workers.log");
    while (true) {
      if (!daemon.isAlive()) {
        oracle.close();
        throw new IOException("buildkitd exited:\n    | " + HostProcess.tail(log, 20));
      }
      int status =
          HostProcess.run(
              List.of(oracle.buildctl(), "--addr", oracle.address(), "debug", "workers"),
              Map.of(),
              probe,
              30);
      if (status == 0) {
        return oracle;
      }
      if (System.nanoTime() > deadline) {
        oracle.close();
        throw new IOException(
            "buildkitd did not list a worker in 60s:\n    | " + HostProcess.tail(log, 20));
      }
      Thread.sleep(200);
    }
  }

  /**
   * Builds {@code context} (its own Dockerfile) into an OCI archive at {@code out}.
   *
   * @return buildctl's exit status
   */
  int build(ConformanceCase c, Path context, Path out, Path log)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                buildctl(),
                "--addr",
                address(),
                "build",
                "--progress",
                "plain",
                "--frontend",
                "dockerfile.v0",
                "--local",
                "context=" + context,
                "--local",
                "dockerfile=" + context));
    c.buildArgs().forEach((k, v) -> command.addAll(List.of("--opt", "build-arg:" + k + "=" + v)));
    if (c.target() != null) {
      command.addAll(List.of("--opt", "target=" + c.target()));
    }
    c.secrets()
        .forEach((id, src) -> command.addAll(List.of("--secret", "id=" + id + ",src=" + src)));
    for (String name : c.buildContexts().keySet()) {
      String source = c.buildContextSource(name, context);
      if (source.contains("://")) {
        command.addAll(List.of("--opt", "context:" + name + "=" + source));
      } else {
        // buildx's way: the directory is one more local source the frontend is pointed at
        command.addAll(List.of("--local", "named-" + name + "=" + source));
        command.addAll(List.of("--opt", "context:" + name + "=local:named-" + name));
      }
    }
    c.allow().forEach(a -> command.addAll(List.of("--allow", a)));
    command.addAll(List.of("--output", "type=oci,dest=" + out));
    return HostProcess.run(command, Map.of(), log, BUILD_TIMEOUT_SECONDS);
  }

  /**
   * Asks BuildKit's Dockerfile frontend a subrequest ({@code frontend.lint}, {@code
   * frontend.outline}, {@code frontend.targets}) about {@code context}'s Dockerfile. buildctl
   * prints the answer's result.txt (the text buildx shows) on standard output, into {@code out}.
   *
   * @return buildctl's exit status
   */
  int call(
      String request,
      Path context,
      Map<String, String> buildArgs,
      String target,
      Path out,
      Path err)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                buildctl(),
                "--addr",
                address(),
                "build",
                "--progress",
                "plain",
                "--frontend",
                "dockerfile.v0",
                "--local",
                "context=" + context,
                "--local",
                "dockerfile=" + context,
                "--opt",
                "requestid=" + request));
    buildArgs.forEach((k, v) -> command.addAll(List.of("--opt", "build-arg:" + k + "=" + v)));
    if (target != null) {
      command.addAll(List.of("--opt", "target=" + target));
    }
    return HostProcess.run(command, Map.of(), out, err, BUILD_TIMEOUT_SECONDS);
  }

  /** Stops the daemon this test started (by its PID only) and unmounts what it left mounted. */
  @Override
  public void close() throws IOException, InterruptedException {
    daemon.destroy();
    if (!daemon.waitFor(30, TimeUnit.SECONDS)) {
      daemon.destroyForcibly().waitFor();
    }
    unmountUnder(root);
  }

  /**
   * Runs {@code buildctl ARGS} against this daemon (e.g. a build with options the corpus has no key
   * for).
   *
   * @return buildctl's exit status
   */
  int buildctl(List<String> args, Path log) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(buildctl(), "--addr", address()));
    command.addAll(args);
    return HostProcess.run(command, Map.of(), log, BUILD_TIMEOUT_SECONDS);
  }

  private String buildctl() {
    return bin.resolve("buildctl").toString();
  }

  private String address() {
    return "unix://" + socket;
  }

  /** Unmounts every mount point at or below {@code dir}, deepest first. */
  private static void unmountUnder(Path dir) throws IOException, InterruptedException {
    String prefix = dir.toAbsolutePath().normalize().toString();
    List<String> points;
    try (Stream<String> lines =
        Files.lines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
      points =
          lines
              .map(l -> l.split(" ")[4].replace("\\040", " "))
              .filter(p -> p.equals(prefix) || p.startsWith(prefix + "/"))
              .sorted(Comparator.comparing(String::length).reversed())
              .toList();
    }
    for (String point : points) {
      HostProcess.output(dir.getParent(), "umount", "-l", point);
    }
  }
}
