package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live view, in a real pseudo-terminal: tmux runs the build on its own server (socket in the
 * test's directory) and the test reads the screen when the build is over.
 */
class TtyViewIT {
  @TempDir Path state;
  @TempDir Path work;
  private Path socket;

  @AfterEach
  void stopTmux() {
    if (socket != null) {
      Slipway.exec("tmux", "-S", socket.toString(), "kill-server");
    }
  }

  @Test
  void autoProgressInATerminalDrawsTheLiveViewToTheEnd() throws Exception {
    Path context =
        Slipway.context(
            work.resolve("ctx"),
            "FROM "
                + Slipway.BASE
                + "\n"
                + "RUN echo warming-up && sleep 1\n"
                + "COPY note.txt /note.txt\n",
            "note.txt",
            "hello");
    Path exitFile = work.resolve("exit-status");
    String shell =
        "cd "
            + Slipway.ROOT
            + " && SLIPWAY_STATE="
            + state
            + " "
            + Slipway.LAUNCHER
            + " build -o type=oci,dest="
            + work.resolve("out.tar")
            + " "
            + context
            + "; echo $? > "
            + exitFile
            + "; sleep 600";
    socket = work.resolve("tmux.sock");

    CliRun start =
        Slipway.exec(
            "tmux", "-S", socket.toString(), "new-session", "-d", "-x", "120", "-y", "40", shell);

    assertThat(start.exitCode()).as(start.toString()).isZero();
    for (int i = 0; i < 1200 && !Files.exists(exitFile); i++) {
      Thread.sleep(100);
    }
    Thread.sleep(200); // the status file is written a moment after the last redraw
    assertThat(exitFile).exists();
    assertThat(Files.readString(exitFile).strip()).isEqualTo("0");
    List<String> screen =
        Slipway.exec("tmux", "-S", socket.toString(), "capture-pane", "-p")
            .stdout()
            .lines()
            .map(String::stripTrailing)
            .filter(l -> !l.isEmpty())
            .toList();
    assertThat(screen.getFirst()).matches("\\[\\+] Building \\d+\\.\\ds \\(\\d+/\\d+\\) FINISHED");
    assertThat(screen)
        // pinned to the digest the tag resolved to, as BuildKit shows it (cut to the width)
        .anyMatch(
            l ->
                l.matches(
                    " => \\[1/3] FROM "
                        + java.util.regex.Pattern.quote(Slipway.BASE)
                        + "@sha256:[0-9a-f]+…? +\\d+\\.\\ds"))
        .anyMatch(l -> l.matches(" => \\[2/3] RUN echo warming-up && sleep 1 +\\d+\\.\\ds"))
        .anyMatch(l -> l.matches(" => \\[3/3] COPY note.txt /note.txt +\\d+\\.\\ds"));
    // Redraws happen in place: each step is on the screen once.
    assertThat(screen.stream().filter(l -> l.contains("RUN echo warming-up"))).hasSize(1);
  }
}
