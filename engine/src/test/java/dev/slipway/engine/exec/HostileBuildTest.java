package dev.slipway.engine.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A hostile RUN step against the real OCI runtimes of this host (each one that can run here): it
 * tries what a build on a shared builder must not do, and the sandbox refuses it. Each attack is
 * also tried privileged where that shows the refusal comes from the sandbox, not from the host.
 */
class HostileBuildTest extends ExecutorFixture {

  static Stream<Path> runtimes() {
    List<Path> usable = new ArrayList<>();
    for (Path p : List.of(Path.of("/usr/bin/crun"), Path.of("/usr/sbin/runc"))) {
      boolean crunCannotRunHere =
          p.getFileName().toString().equals("crun") && HostCgroups.read().hybridWithV2Controllers();
      if (Files.isExecutable(p) && !crunCannotRunHere) {
        usable.add(p);
      }
    }
    Assumptions.assumeFalse(usable.isEmpty(), "no usable OCI runtime on this host");
    return usable.stream();
  }

  private ExecResult runWith(Path runtime, ExecSpec spec) {
    logs = new Captured();
    return new ProcessExecutor(OciRuntime.at(runtime), workDir)
        .run(spec, logs, CancellationToken.none());
  }

  @ParameterizedTest
  @MethodSource("runtimes")
  void aUserNamespaceCannotBeCreated(Path runtime) {
    // unshare -U needs no capability in the kernel: only the seccomp filter stops it
    ExecResult sandboxed = runWith(runtime, sh("unshare -U -r id -u").build());

    assertThat(sandboxed.exitCode()).isNotZero();
    assertThat(stderr()).contains("Operation not permitted");
    assertThat(stdout()).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("runtimes")
  void cloneWithNamespaceFlagsAndSetnsAreRefused(Path runtime) {
    ExecResult result =
        runWith(runtime, sh("unshare -n true; echo unshare=$?; nsenter -t 1 -n true").build());

    assertThat(stdout()).contains("unshare=1");
    assertThat(result.exitCode()).isNotZero();
    assertThat(stderr()).contains("Operation not permitted");
  }

  @ParameterizedTest
  @MethodSource("runtimes")
  void mountSwapKernelLogAndClockAreRefused(Path runtime) {
    runWith(
        runtime,
        sh("mkdir -p /mnt; mount -t tmpfs none /mnt; echo mount=$?;"
                + " dmesg >/dev/null; echo dmesg=$?;"
                + " date -s '2001-01-01 00:00' >/dev/null; echo date=$?")
            .build());

    // busybox date only warns when it cannot set the clock
    assertThat(stdout()).contains("dmesg=1").doesNotContain("mount=0");
    assertThat(stderr()).contains("can't set date: Operation not permitted");
  }

  @ParameterizedTest
  @MethodSource("runtimes")
  void kernelMemoryKeysAndTimersReadAsEmpty(Path runtime) throws IOException {
    Assumptions.assumeTrue(
        !Files.readString(Path.of("/proc/keys")).isEmpty(), "the host's /proc/keys has content");

    ExecResult result =
        runWith(
            runtime,
            sh("for f in /proc/kcore /proc/keys /proc/timer_list /proc/interrupts; do"
                    + " [ -e $f ] && echo \"$f $(wc -c < $f)\"; done;"
                    + " echo \"/sys/firmware $(ls /sys/firmware | wc -l)\"")
                .build());

    assertThat(result.exitCode()).isZero();
    assertThat(stdout().lines().toList())
        .contains("/proc/keys 0", "/proc/interrupts 0", "/sys/firmware 0")
        .allMatch(line -> line.endsWith(" 0"));
  }

  @ParameterizedTest
  @MethodSource("runtimes")
  void kernelSettingsAndSysrqCannotBeWritten(Path runtime) {
    // core_pattern is the classic escape: the host kernel runs the program it names as root
    runWith(
        runtime,
        sh("echo '|/tmp/evil' > /proc/sys/kernel/core_pattern; echo core_pattern=$?;"
                + " if [ -e /proc/sysrq-trigger ]; then echo h > /proc/sysrq-trigger;"
                + " echo sysrq=$?; fi; cat /proc/sys/kernel/core_pattern")
            .build());

    assertThat(stdout()).contains("core_pattern=1").doesNotContain("sysrq=0", "|/tmp/evil");
    assertThat(stderr()).contains("Read-only file system");
  }

  @ParameterizedTest
  @MethodSource("runtimes")
  void noNewPrivilegesIsSetSoSetuidBinariesGainNothing(Path runtime) {
    // the kernel ignores setuid bits and file capabilities for the step and all its children
    ExecResult result =
        runWith(runtime, sh("grep NoNewPrivs /proc/self/status; id -u").user("app").build());

    assertThat(result.exitCode()).isZero();
    assertThat(stdout()).isEqualTo("NoNewPrivs:\t1\n1000\n");
  }

  @ParameterizedTest
  @MethodSource("runtimes")
  void theBuilderProcessesFilesAndEnvironmentAreNotVisible(Path runtime) throws IOException {
    // a file the builder holds next to the step's rootfs, as a credential would be
    String marker = "builder-credential-" + UUID.randomUUID();
    Files.writeString(temp.resolve("builder-token"), marker);

    ExecResult result =
        runWith(
            runtime,
            sh("cat /proc/[0-9]*/comm | sort -u; echo ---; env | cut -d= -f1 | sort; echo ---;"
                    + " find / -xdev -type f | xargs grep -l "
                    + marker
                    + "; echo done")
                .build());

    assertThat(result.exitCode()).isZero();
    String[] parts = stdout().split("---\n");
    assertThat(parts[0].lines().toList())
        .as("processes in the step's pid namespace")
        .doesNotContain("java", "runc", "crun")
        .isSubsetOf("sh", "cat", "sort", "find", "xargs", "grep", "cut", "env");
    assertThat(parts[1].lines().toList())
        .as("the step's environment: nothing of the builder's")
        .isSubsetOf("HOME", "HOSTNAME", "PATH", "PWD", "SHLVL");
    assertThat(parts[2]).as("files holding the builder's secret").isEqualTo("done\n");
  }

  @ParameterizedTest
  @MethodSource("runtimes")
  void aPrivilegedStepGetsWhatTheSandboxRefuses(Path runtime) {
    // the proof that the refusals above come from the sandbox: the same calls work when insecure
    ExecResult result =
        runWith(
            runtime,
            sh("grep NoNewPrivs /proc/self/status; unshare -U -r id -u;"
                    + " mkdir -p /mnt; mount -t tmpfs none /mnt && echo mounted")
                .privileged(true)
                .build());

    assertThat(result.exitCode()).isZero();
    assertThat(stdout()).contains("NoNewPrivs:\t0", "mounted").containsPattern("(?m)^0$");
  }
}
