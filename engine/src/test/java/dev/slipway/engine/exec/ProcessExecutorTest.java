package dev.slipway.engine.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.engine.fs.FileTrees;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs real containers with the host's OCI runtime on a busybox-static rootfs. */
class ProcessExecutorTest {

  @TempDir Path temp;
  private Path rootfs;
  private Path workDir;
  private ProcessExecutor executor;

  @BeforeEach
  void setUp() throws IOException {
    rootfs = BusyboxRootfs.create(temp);
    workDir = Path.of("/dev/shm", "slipway-exec-test-" + System.nanoTime());
    executor = new ProcessExecutor(OciRuntime.detect(), workDir);
  }

  @AfterEach
  void tearDown() throws IOException {
    executor.recover();
    FileTrees.deleteRecursively(workDir);
  }

  /** Collects each stream's bytes in arrival order. */
  private static final class Captured implements LogSink {
    final Map<LogStream, ByteArrayOutputStream> streams = new EnumMap<>(LogStream.class);

    @Override
    public synchronized void write(LogStream stream, byte[] chunk) {
      streams.computeIfAbsent(stream, s -> new ByteArrayOutputStream()).writeBytes(chunk);
    }

    synchronized String text(LogStream stream) {
      ByteArrayOutputStream out = streams.get(stream);
      return out == null ? "" : out.toString(StandardCharsets.UTF_8);
    }
  }

  private Captured logs = new Captured();

  private ExecResult run(ExecSpec spec) {
    logs = new Captured();
    return executor.run(spec, logs, CancellationToken.none());
  }

  private ExecSpec.Builder sh(String script) {
    return ExecSpec.builder(rootfs, List.of("/bin/sh", "-c", script));
  }

  private String stdout() {
    return logs.text(LogStream.STDOUT);
  }

  @Test
  void streamsStdoutAndStderrInOrderPerStream() {
    ExecResult result =
        run(sh("echo out1; echo err1 >&2; echo out2; sleep 0.1; echo err2 >&2; echo out3").build());

    assertThat(result.exitCode()).isZero();
    assertThat(stdout()).isEqualTo("out1\nout2\nout3\n");
    assertThat(logs.text(LogStream.STDERR)).isEqualTo("err1\nerr2\n");
    assertThat(result.duration()).isPositive();
  }

  @Test
  void missingExecutableIsReportedAsARuntimeFailure() {
    assertThatThrownBy(() -> run(ExecSpec.builder(rootfs, List.of("/bin/nope")).build()))
        .isInstanceOf(ExecException.class)
        .hasMessageContaining("could not run [/bin/nope]")
        .hasMessageContaining("/bin/nope");
  }

  @Test
  void aConfiguredRuntimeThatCannotRunHereReportsItsOwnError() {
    Path crun = Path.of("/usr/bin/crun");
    Assumptions.assumeTrue(
        Files.isExecutable(crun) && HostCgroups.read().hybridWithV2Controllers());
    ProcessExecutor withCrun = new ProcessExecutor(OciRuntime.at(crun), workDir);

    assertThatThrownBy(() -> withCrun.run(sh("true").build(), logs, CancellationToken.none()))
        .isInstanceOf(ExecException.class)
        .hasMessageContaining("crun could not run")
        .hasMessageContaining("hybrid mode");
  }

  @Test
  void aFailingLogSinkDoesNotBlockTheProcess() {
    ExecResult result =
        executor.run(
            sh("i=0; while [ $i -lt 2000 ]; do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; i=$((i+1));"
                    + " done")
                .build(),
            (stream, chunk) -> {
              throw new IllegalStateException("display closed");
            },
            CancellationToken.none());

    assertThat(result.exitCode()).isZero();
  }

  @Test
  void reportsNonZeroExitCode() {
    assertThat(run(sh("exit 7").build()).exitCode()).isEqualTo(7);
  }

  @Test
  void runsAsNamedUserWithSupplementaryGroups() {
    run(sh("id -u; id -g; id -G").user("app").build());

    assertThat(stdout().lines().toList()).containsExactly("1000", "1000", "1000 29 2000");
  }

  @Test
  void runsAsNumericUidAndGidWithoutPasswdEntry() {
    run(sh("id -u; id -g").user("1234:5678").build());

    assertThat(stdout().lines().toList()).containsExactly("1234", "5678");
  }

  @Test
  void unknownUserIsAClearError() {
    assertThatThrownBy(() -> run(sh("true").user("ghost").build()))
        .isInstanceOf(UnknownUserException.class)
        .hasMessageContaining("'ghost'")
        .hasMessageContaining("/etc/passwd");
  }

  @Test
  void setsEnvAndCreatesMissingWorkingDirectory() {
    ExecResult result =
        run(
            sh("echo $GREETING; pwd; echo $PATH; hostname")
                .env("GREETING=hello")
                .cwd("/work/app")
                .hostname("builder1")
                .build());

    assertThat(result.exitCode()).isZero();
    assertThat(stdout().lines().toList())
        .containsExactly(
            "hello",
            "/work/app",
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "builder1");
    assertThat(rootfs.resolve("work/app")).isDirectory();
  }

  @Test
  void networkNoneHasOnlyLoopback() {
    run(sh("cat /proc/net/dev").network(NetworkMode.NONE).build());

    assertThat(interfaces(stdout())).containsExactly("lo");
  }

  @Test
  void networkHostSeesTheHostInterfaces() throws IOException {
    run(sh("cat /proc/net/dev").network(NetworkMode.HOST).build());

    List<String> host = interfaces(Files.readString(Path.of("/proc/net/dev")));
    assertThat(host).hasSizeGreaterThan(1);
    assertThat(interfaces(stdout())).containsExactlyInAnyOrderElementsOf(host);
  }

  private static List<String> interfaces(String procNetDev) {
    return procNetDev
        .lines()
        .skip(2)
        .map(l -> l.strip().substring(0, l.strip().indexOf(':')))
        .toList();
  }

  @Test
  void hostsAndResolvConfAreGeneratedAndNotWrittenToTheRootfs() {
    ExecResult result =
        run(
            sh("cat /etc/hosts; cat /etc/resolv.conf")
                .network(NetworkMode.NONE)
                .extraHost("registry.test", "127.0.0.1")
                .build());

    assertThat(stdout())
        .contains("127.0.0.1\tlocalhost")
        .contains("127.0.0.1\tregistry.test")
        .contains("nameserver 127.0.0.1");
    assertThat(rootfs.resolve("etc/hosts")).isEmptyFile();
    assertThat(result.createdStubs()).contains("/etc/hosts", "/etc/resolv.conf");
    MountStubs.remove(rootfs, result.createdStubs());
    assertThat(rootfs.resolve("etc/hosts")).doesNotExist();
    assertThat(rootfs.resolve("proc")).doesNotExist();
    assertThat(rootfs.resolve("etc/passwd")).exists();
  }

  @Test
  void secretIsReadableAsFileAndEnvAndGoneAfterwards() throws IOException {
    byte[] secret = "s3cr3t-value-42".getBytes(StandardCharsets.UTF_8);
    ExecMount.SecretFile file = new ExecMount.SecretFile("token", secret, null, 1000, 1000, 0400);
    ExecResult result =
        run(
            sh("cat /run/secrets/token; echo; echo $TOKEN; stat -c '%u %g %a' /run/secrets/token;"
                    + " echo x > /run/secrets/token || echo read-only")
                .user("app")
                .mount(file)
                .mount(new ExecMount.SecretEnv("token", secret, "TOKEN"))
                .build());

    assertThat(result.exitCode()).isZero();
    assertThat(stdout().lines().toList())
        .containsExactly("s3cr3t-value-42", "s3cr3t-value-42", "1000 1000 400", "read-only");
    assertThat(file.toString()).doesNotContain("s3cr3t");
    try (Stream<Path> left = Files.list(workDir.resolve("bundles"))) {
      assertThat(left).isEmpty();
    }
    assertThat(result.createdStubs())
        .containsSubsequence("/run", "/run/secrets", "/run/secrets/token");
    assertThat(rootfs.resolve("run/secrets/token")).isEmptyFile();
    assertThat(filesContaining(rootfs, secret)).isEmpty();
  }

  private static List<Path> filesContaining(Path root, byte[] needle) throws IOException {
    String n = new String(needle, StandardCharsets.ISO_8859_1);
    try (Stream<Path> files = Files.walk(root)) {
      List<Path> hits = new ArrayList<>();
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(n)) {
          hits.add(f);
        }
      }
      return hits;
    }
  }

  @Test
  void tmpfsMountIsWritableAndLeavesNothingInTheRootfs() {
    ExecResult result =
        run(
            sh("echo data > /scratch/f && cat /scratch/f && grep ' /scratch ' /proc/mounts")
                .mount(new ExecMount.Tmpfs("/scratch", 1 << 20))
                .build());

    assertThat(result.exitCode()).isZero();
    assertThat(stdout())
        .startsWith("data\n")
        .contains("tmpfs /scratch tmpfs")
        .contains("size=1024k");
    assertThat(rootfs.resolve("scratch")).isEmptyDirectory();
  }

  @Test
  void cacheDirectoryPersistsAcrossRunsWithOwnerAndModeAppliedAtCreation() throws IOException {
    Path cache = temp.resolve("caches/go-build");
    ExecMount.Cache mount = new ExecMount.Cache(cache, "/root/.cache", 1000, 1000, 0750, false);

    assertThat(run(sh("echo first > /root/.cache/marker").mount(mount).build()).exitCode())
        .isZero();
    run(sh("cat /root/.cache/marker").mount(mount).build());

    assertThat(stdout()).isEqualTo("first\n");
    assertThat(Files.getAttribute(cache, "unix:uid")).isEqualTo(1000);
    assertThat(Files.getAttribute(cache, "unix:gid")).isEqualTo(1000);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)))
        .isEqualTo("rwxr-x---");
  }

  @Test
  void readOnlyBindRefusesWritesAndReadWriteBindWritesToTheGivenCopy() throws IOException {
    Path source = Files.createDirectories(temp.resolve("context/sub"));
    Files.writeString(source.resolve("f"), "original");

    ExecResult ro =
        run(
            sh("cat /src/f; echo changed > /src/f")
                .mount(new ExecMount.Bind(temp.resolve("context"), "sub", "/src", false))
                .build());
    assertThat(ro.exitCode()).isNotZero();
    assertThat(stdout()).isEqualTo("original");
    assertThat(logs.text(LogStream.STDERR)).contains("Read-only file system");
    assertThat(source.resolve("f")).hasContent("original");

    Path copy = Files.createDirectories(temp.resolve("copy"));
    Files.writeString(copy.resolve("f"), "original");
    ExecResult rw =
        run(sh("echo changed > /src/f").mount(new ExecMount.Bind(copy, "", "/src", true)).build());
    assertThat(rw.exitCode()).isZero();
    assertThat(copy.resolve("f")).hasContent("changed\n");
    assertThat(source.resolve("f")).hasContent("original");
  }

  @Test
  void sshAgentSocketIsReachable() throws Exception {
    Path socket = temp.resolve("agent.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
      var echo =
          Executors.newSingleThreadExecutor()
              .submit(
                  () -> {
                    try (SocketChannel c = server.accept()) {
                      ByteBuffer buf = ByteBuffer.allocate(64);
                      c.read(buf);
                      buf.flip();
                      c.write(ByteBuffer.wrap("echo:".getBytes(StandardCharsets.UTF_8)));
                      c.write(buf);
                    }
                    return null;
                  });
      // busybox nc cannot speak AF_UNIX; the host's perl (essential on Debian) can, with /usr
      // bound read-only into the rootfs.
      Files.createSymbolicLink(rootfs.resolve("lib64"), Path.of("usr/lib64"));
      Files.createSymbolicLink(rootfs.resolve("lib"), Path.of("usr/lib"));
      ExecResult result =
          run(
              ExecSpec.builder(
                      rootfs,
                      List.of(
                          "/usr/bin/perl",
                          "-MIO::Socket::UNIX",
                          "-e",
                          "my $s = IO::Socket::UNIX->new(Peer => $ENV{SSH_AUTH_SOCK}) or die $!;"
                              + " print $s qq(ping\\n); print scalar <$s>;"))
                  .mount(new ExecMount.Bind(Path.of("/usr"), "", "/usr", false))
                  .mount(new ExecMount.SshAgent(socket, null))
                  .build());
      echo.get(10, TimeUnit.SECONDS);

      assertThat(result.exitCode()).as(logs.text(LogStream.STDERR)).isZero();
      assertThat(stdout()).isEqualTo("echo:ping\n");
      assertThat(result.createdStubs()).contains("/run/buildkit/ssh_agent.0", "/usr");
    }
  }

  @Test
  void cancellationKillsTheProcessAndRemovesTheBundle() throws Exception {
    CancellationToken cancel = new CancellationToken();
    String marker = "1000.5";
    var canceller =
        Executors.newSingleThreadScheduledExecutor()
            .schedule(
                () -> {
                  try {
                    return sleepers(marker);
                  } finally {
                    cancel.cancel("user pressed ctrl-c");
                  }
                },
                1500,
                TimeUnit.MILLISECONDS);

    assertThatThrownBy(
            () -> executor.run(sh("sleep " + marker).build(), LogSink.discarding(), cancel))
        .isInstanceOf(ExecCancelledException.class)
        .hasMessageContaining("ctrl-c");
    assertThat(canceller.get()).as("the process ran before the cancellation").hasSize(1);

    assertThat(sleepers(marker)).isEmpty();
    assertNothingLeft();
  }

  @Test
  void timeoutStopsTheProcessLikeACancellation() throws IOException {
    String marker = "1000.25";
    assertThatThrownBy(() -> run(sh("sleep " + marker).timeout(Duration.ofMillis(800)).build()))
        .isInstanceOf(ExecCancelledException.class)
        .hasMessageContaining("timed out");

    assertThat(sleepers(marker)).isEmpty();
    assertNothingLeft();
  }

  @Test
  void recoverRemovesContainersLeftByAKilledEngine() throws Exception {
    // What a kill -9 of the engine leaves: a detached container in our runtime root and its bundle.
    OciRuntime runtime = executor.runtime();
    String marker = "1000.75";
    String id = "slipway-leftover";
    Path bundle = Files.createDirectories(workDir.resolve("bundles").resolve(id));
    Files.write(
        bundle.resolve("config.json"),
        new RuntimeSpecBuilder(sh("sleep " + marker).build()).rootfs(rootfs.toRealPath()).toJson());
    Process detached =
        new ProcessBuilder(
                runtime.executable().toString(),
                "--root",
                workDir.resolve("runtime").toString(),
                "run",
                "-d",
                "--bundle",
                bundle.toString(),
                id)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertThat(detached.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(detached.exitValue()).isZero();
    // `run -d` returns once sh started; sh then execs sleep.
    for (int i = 0; i < 100 && sleepers(marker).isEmpty(); i++) {
      Thread.sleep(50);
    }
    assertThat(sleepers(marker)).hasSize(1);

    List<String> recovered = new ProcessExecutor(runtime, workDir).recover();

    assertThat(recovered).containsExactly(id);
    assertThat(sleepers(marker)).isEmpty();
    assertNothingLeft();
  }

  private void assertNothingLeft() throws IOException {
    try (Stream<Path> bundles = Files.list(workDir.resolve("bundles"))) {
      assertThat(bundles).isEmpty();
    }
    try (Stream<Path> state = Files.list(workDir.resolve("runtime"))) {
      assertThat(state).isEmpty();
    }
  }

  /** Pids of running {@code sleep <marker>} processes, found by scanning /proc. */
  private static List<Long> sleepers(String marker) throws IOException {
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.toList()) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try (InputStream in = Files.newInputStream(p.resolve("cmdline"))) {
          String cmdline = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          if (cmdline.equals("sleep\0" + marker + "\0")) {
            pids.add(Long.parseLong(name));
          }
        } catch (IOException e) {
          // the process exited while we looked
        }
      }
    }
    return pids;
  }
}
