package dev.slipway.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.control.v1.VertexState;
import dev.slipway.engine.TestBuild.Recorded;
import dev.slipway.engine.exec.OciRuntime;
import dev.slipway.engine.exec.ProcessExecutor;
import dev.slipway.testing.Command;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of an engine process in the middle of a RUN step, then a new engine on the same state
 * directory: nothing of the killed build is left (mounts, containers, processes, temp dirs) and the
 * rebuild is correct.
 */
class EngineKillTest {
  @TempDir Path state;
  @TempDir Path context;
  @TempDir Path out;

  @Test
  void aNewEngineCleansUpAfterAKilledOneAndRebuildsCorrectly() throws Exception {
    // The sleep's argument marks the killed build's process so the test can find it.
    String nap = Integer.toString(3000 + (int) (Math.random() * 6000));
    Files.writeString(context.resolve("input.txt"), "pear\napple\nfig\n");
    Files.writeString(
        context.resolve("Dockerfile"),
        """
        FROM 127.0.0.1:5000/busybox:latest
        COPY input.txt /input.txt
        ARG NAP
        RUN echo step-started && sleep $NAP && sort /input.txt > /sorted.txt
        """);
    Process engine =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElseThrow(),
                "-cp",
                System.getProperty("java.class.path"),
                KilledBuildDriver.class.getName(),
                state.toString(),
                context.toString(),
                nap)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      awaitLine(engine, "step-started");
      assertThat(awaitSleeping(nap)).as("the RUN step is running").isNotEmpty();
      assertThat(mountsUnder(state)).as("its rootfs is mounted").isNotEmpty();
    } finally {
      engine.destroyForcibly(); // SIGKILL: the engine releases nothing
      assertThat(engine.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(sleepers(nap)).as("kill -9 of the engine leaves its step running").isNotEmpty();

    Path workDir = ProcessExecutor.defaultWorkDir(state);
    try (Engine next = Engine.open(EngineConfig.defaults(state))) {
      assertThat(awaitGone(nap)).as("processes of the killed build").isEmpty();
      assertThat(mountsUnder(state)).as("mounts under the state directory").isEmpty();
      assertThat(mountsUnder(workDir)).as("mounts under the executor's work dir").isEmpty();
      assertThat(containers(workDir)).as("runtime containers").isEmpty();
      for (Path temp :
          List.of(
              state.resolve("tmp"),
              state.resolve("snapshots/a"),
              state.resolve("snapshots/v"),
              state.resolve("snapshots/tmp"),
              workDir.resolve("bundles"))) {
        assertThat(children(temp)).as(temp.toString()).isEmpty();
      }

      Recorded rebuild =
          TestBuild.run(
              next,
              context,
              TestBuild.request()
                  .putBuildArgs("NAP", "0")
                  .addOutputs(TestBuild.local(out.resolve("rootfs")))
                  .build());
      assertThat(rebuild.events().step("COPY input.txt").getState())
          .as("what the killed build finished is still cached")
          .isEqualTo(VertexState.VERTEX_STATE_CACHED);
    }
    assertThat(out.resolve("rootfs/sorted.txt")).hasContent("apple\nfig\npear");
    assertThat(mountsUnder(state)).isEmpty();
  }

  private static void awaitLine(Process p, String wanted) throws IOException {
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = lines.readLine()) != null) {
      if (line.contains(wanted)) {
        return;
      }
    }
    throw new AssertionError("the engine process ended before its RUN step started");
  }

  /** Processes running {@code sleep NAP}: the killed build's RUN step. */
  private static List<Long> sleepers(String nap) throws IOException {
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.toList()) {
        String name = proc.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String cmdline = Files.readString(proc.resolve("cmdline")).replace('\0', ' ').trim();
          if (cmdline.equals("sleep " + nap)) {
            pids.add(Long.parseLong(name));
          }
        } catch (IOException gone) {
          // exited while we looked
        }
      }
    }
    return pids;
  }

  /** The shell prints the marker just before it starts the sleep: wait for the sleep. */
  private static List<Long> awaitSleeping(String nap) throws Exception {
    for (int i = 0; i < 100 && sleepers(nap).isEmpty(); i++) {
      Thread.sleep(100);
    }
    return sleepers(nap);
  }

  /** Killed processes are reaped asynchronously: give them a moment to disappear. */
  private static List<Long> awaitGone(String nap) throws Exception {
    for (int i = 0; i < 50 && !sleepers(nap).isEmpty(); i++) {
      Thread.sleep(100);
    }
    return sleepers(nap);
  }

  private static List<String> mountsUnder(Path dir) throws IOException {
    String prefix = dir.toRealPath().toString();
    return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
        .filter(l -> l.split(" ")[4].startsWith(prefix))
        .toList();
  }

  private static List<String> containers(Path workDir) throws Exception {
    String output =
        Command.of(
                OciRuntime.detect().executable().toString(),
                "--root",
                workDir.resolve("runtime").toString(),
                "list",
                "-q")
            .timeout(Duration.ofSeconds(30))
            .run()
            .stdout();
    return output.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  private static List<Path> children(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.toList();
    }
  }
}
