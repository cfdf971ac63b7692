package dev.slipway.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandTest {
  @TempDir Path dir;

  @Test
  void passesArgumentsDirectoryEnvironmentAndStdin() {
    Command.Result result =
        Command.of("sh", "-c", "pwd; echo \"$GREETING $1\"; cat; echo oops >&2", "sh", "world")
            .in(dir)
            .env("GREETING", "hello")
            .stdin("from stdin\n")
            .run();

    assertThat(result.succeeded()).isTrue();
    assertThat(result.stdout()).isEqualTo(dir + "\nhello world\nfrom stdin\n");
    assertThat(result.stderr()).isEqualTo("oops\n");
  }

  @Test
  void aNullValueRemovesAVariableAndWithoutStdinTheProgramReadsEndOfFile() {
    String out = Command.of("sh", "-c", "echo \"[${HOME-unset}]\"; cat").env("HOME", null).output();

    assertThat(out).isEqualTo("[unset]\n");
  }

  @Test
  void aFailureNamesTheCommandItsExitCodeAndWhatItPrinted() {
    Command.Result result = Command.of("sh", "-c", "echo said; echo complained >&2; exit 3").run();

    assertThat(result.exitCode()).isEqualTo(3);
    assertThatThrownBy(result::requireSuccess)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("sh -c")
        .hasMessageContaining("exited with 3")
        .hasMessageContaining("said")
        .hasMessageContaining("complained");
  }

  @Test
  void theTimeoutFiresWhileTheProgramKeepsPrintingAndKillsIt() {
    long started = System.nanoTime();

    assertThatThrownBy(
            () ->
                Command.of("sh", "-c", "echo started; while :; do echo more; sleep 0.01; done")
                    .timeout(Duration.ofMillis(500))
                    .run())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("did not finish within PT0.5S")
        .hasMessageContaining("started");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void outputLargerThanAPipeDoesNotBlockTheProgram() {
    String out = Command.of("sh", "-c", "head -c 1000000 /dev/zero | tr '\\0' x").output();

    assertThat(out).hasSize(1_000_000);
  }

  @Test
  void aProgramThatCannotStartIsAnAssertionError() {
    assertThatThrownBy(() -> Command.of(dir.resolve("missing").toString()).run())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("cannot start");
  }

  @Test
  void aPathGivenInTheEnvironmentFindsTheProgram() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path tool = bin.resolve("only-here");
    Files.writeString(tool, "#!/bin/sh\necho found\n");
    assertThat(tool.toFile().setExecutable(true)).isTrue();

    String out = Command.of("only-here").env("PATH", bin + ":/usr/bin:/bin").output();

    assertThat(out).isEqualTo("found\n");
  }

  @Test
  void aStartedProgramLogsBothStreamsAndIsAwaited() {
    Path log = dir.resolve("run.log");
    Command.Running running = Command.of("sh", "-c", "echo out; echo err >&2; exit 4").start(log);

    assertThat(running.await()).isEqualTo(4);
    assertThat(running.output()).contains("out\n").contains("err\n");
  }
}
