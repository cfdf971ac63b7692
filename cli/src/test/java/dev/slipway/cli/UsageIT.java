package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Help, completion scripts and usage errors: exit status 2 and a message naming the culprit. */
class UsageIT {
  @TempDir static Path state;

  private final Slipway slipway = new Slipway(state);

  @ParameterizedTest(name = "[{index}] slipway {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "build --no-such-flag examples/hello           | --no-such-flag",
        "build --progress=fancy examples/hello         | --progress fancy",
        "build --platform linux examples/hello         | --platform",
        "build --platform linux/amd64,linux/arm64 --load examples/hello | docker exporter does not currently support exporting manifest lists",
        "build --provenance=mode=huge examples/hello   | invalid provenance mode huge",
        "build --attest type=sbom --sbom=true examples/hello | duplicate attestation field sbom",
        "build --secret src=/etc/hostname examples/hello | --secret",
        "build --network bridge examples/hello         | --network bridge",
        "build --ssh bad/id examples/hello             | --ssh",
        "build --add-host db examples/hello            | --add-host db: expected HOST:IP",
        "build --call=lintall examples/hello           | --call lintall is not known",
        "build --call=outline,format=yaml examples/hello | --call option 'format=yaml'",
        "build --check --call=outline examples/hello   | --check is --call=check",
        "build --add-host :10.0.0.7 examples/hello     | --add-host :10.0.0.7: expected HOST:IP",
        "build --build-context Lib=docker-image://x examples/hello | --build-context Lib=...: invalid context name",
        "build --build-context lib=ftp://h/x examples/hello | --build-context lib=ftp://h/x: unknown scheme",
        "build --build-context lib=no/such/dir examples/hello | does not exist",
        "build                                         | CONTEXT",
        "build examples/does-not-exist                 | path \"examples/does-not-exist\" not found",
        "build -f nope/Dockerfile examples/hello       | nope/Dockerfile does not exist",
        "build https://github.com/example/app.git      | not supported yet",
        "build git@github.com:example/app.git          | not supported yet",
        "bogus                                         | bogus",
        "''                                            | a command is required",
      })
  void aUsageErrorExitsWithTwoAndNamesTheFlag(String args, String named) {
    CliRun run = slipway.run(args.isEmpty() ? new String[0] : args.split(" +"));

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.stderr()).startsWith("ERROR: ").contains(named).doesNotContain("\tat ");
    assertThat(run.stderrLines()).hasSizeLessThan(6);
  }

  @Test
  void aContextWithoutDockerfileSaysHowToNameOne(@TempDir Path empty) {
    CliRun run = slipway.run("build", empty.toString());

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.stderr()).contains(empty.resolve("Dockerfile").toString()).contains("-f PATH");
  }

  @Test
  void helpShowsCommandsAndExamples() {
    CliRun top = slipway.run("--help");
    CliRun build = slipway.run("build", "--help");

    assertThat(top.exitCode()).isZero();
    assertThat(top.stdout()).contains("build", "version", "completion", "Examples:");
    assertThat(build.exitCode()).isZero();
    assertThat(build.stdout())
        .contains("Usage: slipway build", "--secret", "--ssh", "--metadata-file", "Examples:");
  }

  @Test
  void versionNamesTheRelease() {
    CliRun run = slipway.run("version");

    assertThat(run.exitCode()).isZero();
    assertThat(run.stdout()).startsWith("slipway 0.");
  }

  @Test
  void theBashCompletionScriptCompletesSubcommandsAndFlags(@TempDir Path dir) throws Exception {
    CliRun script = slipway.run("completion", "bash");
    assertThat(script.exitCode()).as(script.toString()).isZero();
    Path file = dir.resolve("slipway-completion.bash");
    Files.writeString(file, script.stdout());

    // Ask bash what it would offer after "slipway bu" and "slipway build --met".
    String probe =
        "source "
            + file
            + "; complete_for() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(($#-1)); COMP_LINE=\"$*\";"
            + " COMP_POINT=${#COMP_LINE}; COMPREPLY=(); _complete_slipway; echo \"${COMPREPLY[*]}\"; };"
            + " complete_for slipway bu; complete_for slipway build --met";
    CliRun bash = Slipway.exec(List.of("bash", "-c", probe), Map.of(), null);

    assertThat(bash.exitCode()).as(bash.toString()).isZero();
    assertThat(bash.stdout().lines().toList()).containsExactly("build builder", "--metadata-file");
  }

  @Test
  void zshGetsAScriptToo() {
    CliRun zsh = slipway.run("completion", "zsh");
    CliRun fish = slipway.run("completion", "fish");

    assertThat(zsh.exitCode()).isZero();
    assertThat(zsh.stdout()).contains("ZSH_VERSION", "complete -F _complete_slipway");
    assertThat(fish.exitCode()).isEqualTo(2);
    assertThat(fish.stderr()).contains("fish").contains("bash, zsh");
  }
}
