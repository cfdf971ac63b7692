package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds that fail: exit status 1 and a report a person can act on, never a stack trace. */
class FailedBuildIT {
  @TempDir static Path state;
  @TempDir Path work;
  private static Slipway slipway;

  @BeforeAll
  static void engine() {
    slipway = new Slipway(state);
  }

  @Test
  void aFailingRunShowsItsLastLogLinesTheDockerfileExcerptAndTheExitCode() throws Exception {
    Path context =
        Slipway.context(
            work.resolve("ctx"),
            "FROM "
                + Slipway.BASE
                + "\n"
                + "RUN echo before\n"
                + "RUN echo failing-log-1 && echo failing-log-2 && exit 3\n"
                + "RUN echo never-runs\n");

    CliRun build = slipway.run("build", "--progress=plain", context.toString());

    assertThat(build.exitCode()).as(build.toString()).isEqualTo(1);
    List<String> err = build.stderrLines();
    assertThat(err).contains(" > failing-log-1", " > failing-log-2", "Dockerfile:3");
    assertThat(err)
        .containsSubsequence(
            "   2 |     RUN echo before",
            "   3 | >>> RUN echo failing-log-1 && echo failing-log-2 && exit 3",
            "   4 |     RUN echo never-runs");
    assertThat(err.getLast()).startsWith("ERROR: ").contains("exit code: 3");
    assertThat(build.stderr()).doesNotContain("never-runs\n#").doesNotContain("\tat ");
  }

  @Test
  void anUnknownInstructionNamesItsLine() throws Exception {
    Path context =
        Slipway.context(work.resolve("bad"), "FROM " + Slipway.BASE + "\nRUNN echo typo\n");

    CliRun build = slipway.run("build", "--progress=plain", context.toString());

    assertThat(build.exitCode()).as(build.toString()).isEqualTo(1);
    assertThat(build.stderrLines()).contains("Dockerfile:2").anyMatch(l -> l.contains(">>> RUNN"));
    assertThat(build.stderr()).doesNotContain("\tat ");
  }

  @Test
  void withoutAnOciRuntimeARunStepSaysWhichPackageToInstall() throws Exception {
    // Another PATH gets a slipway daemon of its own, so it takes a state directory of its own.
    CliRun build =
        slipway.run(
            Map.of(
                "PATH",
                pathWithout(List.of("crun", "runc")),
                "SLIPWAY_STATE",
                work.resolve("state").toString()),
            "FROM " + Slipway.BASE + "\nRUN true\n",
            List.of("build", "--progress=plain", "--no-cache", "-"));

    assertThat(build.exitCode()).as(build.toString()).isEqualTo(1);
    assertThat(build.stderr())
        .contains("apt-get install crun")
        .contains("runc")
        .doesNotContain("\tat ");
  }

  /** A directory of links to every program in /usr/bin and /usr/sbin except {@code left out}. */
  private String pathWithout(List<String> leftOut) throws IOException {
    Path bin = Files.createDirectories(work.resolve("bin"));
    for (String dir : List.of("/usr/bin", "/usr/sbin")) {
      try (Stream<Path> programs = Files.list(Path.of(dir))) {
        for (Path p : programs.toList()) {
          Path link = bin.resolve(p.getFileName());
          if (!leftOut.contains(p.getFileName().toString()) && !Files.exists(link)) {
            Files.createSymbolicLink(link, p);
          }
        }
      }
    }
    return bin.toString();
  }
}
