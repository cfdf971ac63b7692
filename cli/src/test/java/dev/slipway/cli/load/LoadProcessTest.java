package dev.slipway.cli.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A load client that hangs is stopped at the deadline; one that fails says why. */
class LoadProcessTest {

  @Test
  void aHangingClientIsKilledAtTheDeadline(@TempDir Path dir) throws Exception {
    Path pid = dir.resolve("pid");
    // It writes output and keeps its stdout open: reading that to its end would wait 60 s.
    List<String> hangs = List.of("sh", "-c", "echo $$ > " + pid + "; echo loading; exec sleep 60");
    long start = System.nanoTime();

    assertThatThrownBy(() -> LoadProcess.run(hangs, Duration.ofMillis(500), "docker"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("did not finish");

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    long id = Long.parseLong(Files.readString(pid).strip());
    assertThat(ProcessHandle.of(id).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }

  @Test
  void aFailingClientsOutputIsTheMessage() {
    assertThatThrownBy(
            () ->
                LoadProcess.run(
                    List.of("sh", "-c", "echo no space left >&2; exit 3"),
                    Duration.ofSeconds(20),
                    "docker"))
        .isInstanceOf(IOException.class)
        .hasMessage("loading the image into docker failed: no space left");
  }

  @Test
  void aClientThatSucceedsIsQuiet() throws Exception {
    LoadProcess.run(List.of("sh", "-c", "echo Loaded image"), Duration.ofSeconds(20), "docker");
  }
}
