package dev.slipway.engine.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What a container sees of its mounts and generated files, and what they leave in the rootfs. */
class ProcessExecutorMountTest extends ExecutorFixture {

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
    assertThat(stderr()).contains("Read-only file system");
    assertThat(source.resolve("f")).hasContent("original");

    Path copy = Files.createDirectories(temp.resolve("copy"));
    Files.writeString(copy.resolve("f"), "original");
    ExecResult rw =
        run(sh("echo changed > /src/f").mount(new ExecMount.Bind(copy, "", "/src", true)).build());
    assertThat(rw.exitCode()).isZero();
    assertThat(copy.resolve("f")).hasContent("changed\n");
    assertThat(source.resolve("f")).hasContent("original");
  }

  /** differential run/mount-bind-missing-source: the error shows no host path. */
  @Test
  void aMissingBindSourceIsAnErrorNamingItWithoutTheHostPath() throws IOException {
    Path context = Files.createDirectories(temp.resolve("context"));
    assertThatThrownBy(
            () ->
                run(sh("true").mount(new ExecMount.Bind(context, "nope", "/mnt/x", false)).build()))
        .isInstanceOf(ExecException.class)
        .hasMessageContaining("'nope'")
        .hasMessageContaining("/mnt/x")
        .hasMessageNotContaining(temp.toString());
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

      assertThat(result.exitCode()).as(stderr()).isZero();
      assertThat(stdout()).isEqualTo("echo:ping\n");
      assertThat(result.createdStubs()).contains("/run/buildkit/ssh_agent.0", "/usr");
    }
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
}
