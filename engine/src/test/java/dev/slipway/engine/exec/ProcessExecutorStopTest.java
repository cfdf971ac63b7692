package dev.slipway.engine.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Stopping containers: cancellation, timeouts, and the recovery of a killed engine's leftovers. */
class ProcessExecutorStopTest extends ExecutorFixture {

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
