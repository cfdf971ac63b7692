package dev.slipway.engine.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs real containers with the host's OCI runtime: output, exit codes, users, environment,
 * network.
 */
class ProcessExecutorTest extends ExecutorFixture {

  @Test
  void streamsStdoutAndStderrInOrderPerStream() {
    ExecResult result =
        run(sh("echo out1; echo err1 >&2; echo out2; sleep 0.1; echo err2 >&2; echo out3").build());

    assertThat(result.exitCode()).isZero();
    assertThat(stdout()).isEqualTo("out1\nout2\nout3\n");
    assertThat(stderr()).isEqualTo("err1\nerr2\n");
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
}
