package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/slipway through its launcher and the warm daemon, as real processes: the launcher stays thin,
 * one daemon serves many commands each with its own directory and environment, Ctrl-C reaches the
 * daemon's build, the socket directory must be private, cluster commands run in a JVM of their own,
 * and stdout carries an archive byte for byte.
 */
class DaemonIT {
  private static final Pattern PID = Pattern.compile("(?m)^pid: (\\d+)$");

  @TempDir static Path tmp;
  private static Path daemons;

  @BeforeAll
  static void ownDaemonDirectory() {
    daemons = tmp.resolve("d");
  }

  @AfterAll
  static void stopDaemon() throws Exception {
    run(tmp, Map.of(), "daemon", "stop");
    DaemonsStopped.stopAll(daemons);
  }

  @Test
  void aRebuildIsServedByTheSameWarmDaemonAndTheLauncherLoadsNoCliClasses() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("warm"));
    Slipway.context(dir.resolve("app"), "FROM " + Slipway.BASE + "\nCOPY f /f\n", "f", "one");
    Map<String, String> env = Map.of("SLIPWAY_STATE", dir.resolve("state").toString());
    List<String> build = List.of("build", "--local", "-o", "type=image,name=daemon/app:1", "app");

    Run first = run(dir, env, build.toArray(String[]::new));
    assertThat(first.exit).as(first.toString()).isZero();
    long daemon = daemonPid();
    Path classes = dir.resolve("launcher-classes.txt");
    Map<String, String> logged = new HashMap<>(env);
    logged.put("SLIPWAY_LAUNCHER_OPTS", "-Xlog:class+load:file=" + classes);
    Run second = run(dir, logged, build.toArray(String[]::new));

    assertThat(second.exit).as(second.toString()).isZero();
    assertThat(second.stderr).contains("CACHED");
    assertThat(daemonPid()).as("the daemon that served the first build").isEqualTo(daemon);
    String loaded = Files.readString(classes);
    assertThat(loaded).contains("dev.slipway.launcher.Launcher");
    assertThat(loaded)
        .doesNotContain("dev.slipway.cli.")
        .doesNotContain("dev.slipway.engine.")
        .doesNotContain("picocli.")
        .doesNotContain("com.google.protobuf.")
        .doesNotContain("io.grpc.");
  }

  @Test
  void concurrentBuildsEachGetTheirOwnDirectoryAndEnvironment() throws Exception {
    Path alpha = Files.createDirectories(tmp.resolve("alpha"));
    Path beta = Files.createDirectories(tmp.resolve("beta"));
    String dockerfile = "FROM " + Slipway.BASE + "\nCOPY f /f\nARG WHO\nRUN echo \"$WHO\" > /who\n";
    Slipway.context(alpha.resolve("app"), dockerfile, "f", "alpha's file");
    Slipway.context(beta.resolve("app"), dockerfile, "f", "beta's file");
    String[] build = {"build", "--local", "--build-arg", "WHO", "-o", "type=local,dest=out", "app"};
    CompletableFuture<Run> a =
        CompletableFuture.supplyAsync(
            () -> run(alpha, Map.of("WHO", "alpha", "SLIPWAY_STATE", "state"), build));
    CompletableFuture<Run> b =
        CompletableFuture.supplyAsync(
            () -> run(beta, Map.of("WHO", "beta", "SLIPWAY_STATE", "state"), build));

    assertThat(a.get().exit).as(a.get().toString()).isZero();
    assertThat(b.get().exit).as(b.get().toString()).isZero();
    assertThat(alpha.resolve("out/f")).hasContent("alpha's file");
    assertThat(alpha.resolve("out/who")).hasContent("alpha");
    assertThat(beta.resolve("out/f")).hasContent("beta's file");
    assertThat(beta.resolve("out/who")).hasContent("beta");
    // SLIPWAY_STATE=state is relative to each command's own directory
    assertThat(alpha.resolve("state")).isDirectory();
    assertThat(beta.resolve("state")).isDirectory();
    assertThat(run(tmp, Map.of(), "daemon", "status").stdout)
        .contains(alpha.resolve("state").toString())
        .contains(beta.resolve("state").toString());
  }

  @Test
  void ctrlCOnTheLauncherCancelsTheDaemonsBuild() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("cancel"));
    // In sleep's own argv, so the check below sees sleep itself, not only its shell
    String marker = "sleep 9" + ProcessHandle.current().pid();
    Slipway.context(
        dir.resolve("app"), "FROM " + Slipway.BASE + "\nRUN echo started && " + marker + "\n");
    Path err = dir.resolve("stderr.txt");
    Process slipway = startedBuild(dir, err);
    // bin/slipway execs the launcher: this process is the launcher's JVM
    new ProcessBuilder("kill", "-INT", Long.toString(slipway.pid())).start().waitFor();

    assertThat(slipway.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(slipway.exitValue()).isEqualTo(130);
    assertThat(Files.readString(err)).contains("cancelled");
    assertThat(running(marker)).as("the RUN step's processes").isFalse();
    String status = run(tmp, Map.of(), "daemon", "status").stdout;
    long statusDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!status.contains("running commands: 0") && System.nanoTime() < statusDeadline) {
      Thread.sleep(200); // the daemon's command ends just after the launcher's
      status = run(tmp, Map.of(), "daemon", "status").stdout;
    }
    assertThat(status).contains("running commands: 0");
  }

  @Test
  void aCommandWhileTheDaemonStopsGetsANewDaemonWhoseSocketStays() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("restart"));
    String sleep = "sleep 8" + ProcessHandle.current().pid();
    Slipway.context(dir.resolve("app"), "FROM " + Slipway.BASE + "\nRUN echo started && " + sleep);
    Path err = dir.resolve("stderr.txt");
    Process busy = startedBuild(dir, err);
    long old = daemonPid();

    // stop cancels the build; the old daemon is still closing engines when `version` comes
    assertThat(run(tmp, Map.of(), "daemon", "stop").exit).isZero();
    Run next = run(tmp, Map.of(), "version");
    assertThat(next.exit).as(next.toString()).isZero();
    assertThat(busy.waitFor(60, TimeUnit.SECONDS)).isTrue();
    ProcessHandle.of(old).ifPresent(p -> p.onExit().join());

    long fresh = daemonPid();
    assertThat(fresh).as("a new daemon").isNotEqualTo(old);
    assertThat(run(tmp, Map.of(), "version").exit).isZero();
    assertThat(daemonPid()).as("its socket outlived the old daemon's exit").isEqualTo(fresh);
    assertThat(running(sleep)).as("the cancelled RUN step").isFalse();
  }

  @Test
  void aSocketDirectoryOthersCouldReachIsRefused() throws Exception {
    Path open = Files.createDirectories(tmp.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path link =
        Files.createSymbolicLink(tmp.resolve("link"), Files.createDirectories(tmp.resolve("real")));
    Path foreign = Files.createDirectories(tmp.resolve("foreign"));
    Files.setPosixFilePermissions(foreign, PosixFilePermissions.fromString("rwx------"));
    new ProcessBuilder("chown", "65534", foreign.toString()).start().waitFor();
    assertThat(Files.getAttribute(foreign, "unix:uid"))
        .as("chown (tests run as root)")
        .isEqualTo(65534);

    Map<Path, String> expected =
        Map.of(
            open,
            "is open to others",
            link,
            "is a symbolic link",
            foreign,
            "belongs to user 65534");
    for (Map.Entry<Path, String> e : expected.entrySet()) {
      Run refused = runWithDaemonDir(e.getKey(), "version");
      assertThat(refused.exit).as(refused.toString()).isEqualTo(2);
      assertThat(refused.stderr)
          .contains("the slipway daemon directory " + e.getKey())
          .contains(e.getValue())
          .contains("SLIPWAY_DAEMON_DIR");
      assertThat(refused.stdout).isEmpty();
    }
    assertThat(tmp.resolve("real")).isEmptyDirectory();
  }

  @Test
  void aClusterCommandRunsInAJvmOfItsOwn() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("cluster"));
    Slipway.context(dir.resolve("app"), "FROM " + Slipway.BASE + "\n");
    Files.writeString(
        dir.resolve("kubeconfig"),
        """
        apiVersion: v1
        kind: Config
        clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
        users: [{name: u, user: {token: t}}]
        contexts: [{name: x, context: {cluster: c, user: u, namespace: n}}]
        current-context: x
        """);
    // The daemon runs first, so only the separate JVM can have written the class log
    assertThat(run(dir, Map.of(), "version").exit).isZero();
    Path classes = dir.resolve("own-jvm-classes.txt");
    Run cluster =
        run(
            dir,
            Map.of(
                "KUBECONFIG",
                dir.resolve("kubeconfig").toString(),
                "SLIPWAY_JAVA_OPTS",
                "-Xlog:class+load:file=" + classes),
            "build",
            "-t",
            "reg/app:1",
            "app");

    assertThat(cluster.exit).as(cluster.toString()).isEqualTo(1);
    assertThat(cluster.stderr).contains("cannot reach the Kubernetes API server");
    assertThat(Files.readString(classes))
        .as("the JVM of its own")
        .contains("io.fabric8.kubernetes");
  }

  @Test
  void aDaemonOfAnotherPathReleasesTheStateDirectoryAndStopAllEndsBoth() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("two-daemons"));
    Slipway.context(dir.resolve("app"), "FROM " + Slipway.BASE + "\nCOPY f /f\n", "f", "x");
    Path state = dir.resolve("state");
    Files.createDirectories(state);
    Path link = Files.createSymbolicLink(dir.resolve("state-link"), state);
    String[] build = {"build", "--local", "-o", "type=local,dest=out", "app"};
    Run first = run(dir, Map.of("SLIPWAY_STATE", state.toString()), build);
    assertThat(first.exit).as(first.toString()).isZero();
    // Another $PATH is another daemon identity: a second daemon, the same directory via a link
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Map<String, String> otherPath =
        Map.of("SLIPWAY_STATE", link.toString(), "PATH", bin + ":" + System.getenv("PATH"));
    Run second = run(dir, otherPath, build);

    assertThat(second.exit).as(second.toString()).isZero();
    assertThat(Files.list(daemons).filter(f -> f.toString().endsWith(".pid")).count())
        .as("two daemons")
        .isGreaterThanOrEqualTo(2);
    Run stopped = run(tmp, Map.of(), "daemon", "stop", "--all");
    assertThat(stopped.stdout).as(stopped.toString()).containsPattern("stopped [2-9] slipway");
    assertThat(Files.list(daemons).filter(f -> f.toString().endsWith(".pid")).toList())
        .as("every daemon ended and removed its pid file")
        .isEmpty();
    assertThat(Files.list(daemons).filter(f -> f.toString().endsWith(".sock")).toList()).isEmpty();
  }

  @Test
  void anArchiveOnStdoutIsTheSameBytesAsInAFile() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("stdout"));
    Slipway.context(dir.resolve("app"), "FROM " + Slipway.BASE + "\nCOPY f /f\n", "f", "payload");
    Map<String, String> env = Map.of("SLIPWAY_STATE", "state");
    String[] common = {"build", "--local", "--build-arg", "SOURCE_DATE_EPOCH=0", "-o"};
    Run file = run(dir, env, concat(common, "type=docker,dest=file.tar", "app"));
    assertThat(file.exit).as(file.toString()).isZero();
    Path piped = dir.resolve("piped.tar");
    Process toStdout =
        process(dir, env, concat(common, "type=docker,dest=-", "app"))
            .redirectOutput(piped.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();

    assertThat(toStdout.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(toStdout.exitValue()).isZero();
    assertThat(Files.size(piped)).isGreaterThan(1 << 20);
    assertThat(Files.readAllBytes(piped)).isEqualTo(Files.readAllBytes(dir.resolve("file.tar")));
  }

  /**
   * Starts {@code slipway build --local app} in {@code dir} (its progress in {@code err}) and
   * returns once its RUN step printed "started".
   */
  private static Process startedBuild(Path dir, Path err) throws Exception {
    ProcessBuilder command =
        process(
            dir, Map.of("SLIPWAY_STATE", "state"), "build", "--local", "--progress=plain", "app");
    // A test run started as a background job inherits SIGINT ignored, and an ignored signal stays
    // ignored across exec: the launcher would never see the Ctrl-C. perl restores the default
    // disposition and execs it (same pid).
    command
        .command()
        .addAll(0, List.of("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die", "--"));
    Process build =
        command.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.readString(err).contains("started") && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(Files.readString(err)).contains("started");
    return build;
  }

  private static boolean running(String marker) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      boolean any =
          ProcessHandle.allProcesses()
              .anyMatch(p -> p.info().commandLine().orElse("").contains(marker));
      if (!any) {
        return false;
      }
      Thread.sleep(200);
    }
    return true;
  }

  private static long daemonPid() {
    Run status = run(tmp, Map.of(), "daemon", "status");
    Matcher m = PID.matcher(status.stdout);
    assertThat(m.find()).as(status.toString()).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static String[] concat(String[] head, String... tail) {
    List<String> all = new ArrayList<>(List.of(head));
    all.addAll(List.of(tail));
    return all.toArray(String[]::new);
  }

  private record Run(int exit, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  private static ProcessBuilder process(Path cwd, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(List.of(Slipway.LAUNCHER.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
    pb.environment().put("SLIPWAY_DAEMON_DIR", daemons.toString());
    pb.environment().put("SLIPWAY_DAEMON_IDLE", "60s");
    pb.environment().put("KUBECONFIG", tmp.resolve("no-kubeconfig").toString());
    pb.environment().remove("SLIPWAY_TTY");
    pb.environment().putAll(env);
    return pb;
  }

  private static Run runWithDaemonDir(Path dir, String... args) {
    return run(tmp, Map.of("SLIPWAY_DAEMON_DIR", dir.toString()), args);
  }

  private static Run run(Path cwd, Map<String, String> env, String... args) {
    try {
      Path out = Files.createTempFile(tmp, "out", ".txt");
      Path err = Files.createTempFile(tmp, "err", ".txt");
      Process p =
          process(cwd, env, args)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
      }
      return new Run(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
