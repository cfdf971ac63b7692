package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.testing.SshAgent;
import dev.slipway.testing.SshKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --ssh}: a real ssh-agent started here, and a key file, reach {@code RUN --mount=type=ssh}.
 * The busybox base has no ssh-add, so the context carries the host's ssh-add and the shared
 * libraries it links (from ldd).
 */
class SshForwardingIT {
  private static final Pattern LDD_PATH = Pattern.compile("(/\\S+)");

  @TempDir Path state;
  @TempDir Path work;

  @Test
  void runStepsListTheKeysOfTheAgentAndOfAKeyFile() throws Exception {
    SshKey fileKey = SshKey.generate(work.resolve("file-key"), "file-key");
    try (SshAgent agent = SshAgent.start(work.resolve("agent"), "agent-key")) {
      Path context =
          Slipway.context(
              work.resolve("ctx"),
              "FROM "
                  + Slipway.BASE
                  + "\n"
                  + "COPY rootfs/ /\n"
                  + "RUN --mount=type=ssh ssh-add -l\n"
                  + "RUN --mount=type=ssh,id=deploy ssh-add -l\n");
      copyWithLibraries(Path.of("/usr/bin/ssh-add"), context.resolve("rootfs"));

      CliRun build =
          new Slipway(state)
              .run(
                  Map.of("SSH_AUTH_SOCK", agent.socket().toString()),
                  null,
                  List.of(
                      "build",
                      "--progress=plain",
                      "--ssh",
                      "default",
                      "--ssh",
                      "deploy=" + fileKey.file(),
                      context.toString()));

      assertThat(build.exitCode()).as(build.toString()).isZero();
      assertThat(build.stderr()).contains(agent.key().fingerprint(), fileKey.fingerprint());
    }
  }

  @Test
  void sshDefaultWithoutAnAgentSaysHowToStartOne() {
    CliRun build =
        new Slipway(state)
            .run(
                Map.of("SSH_AUTH_SOCK", ""),
                null,
                List.of("build", "--ssh", "default", "examples/hello"));

    assertThat(build.exitCode()).as(build.toString()).isEqualTo(2);
    assertThat(build.stderr()).contains("--ssh default", "SSH_AUTH_SOCK", "ssh-agent");
  }

  /**
   * Copies a dynamically linked program and every library ldd names to the same paths under root.
   */
  private static void copyWithLibraries(Path program, Path root) throws IOException {
    CliRun ldd = Slipway.exec("ldd", program.toString());
    assertThat(ldd.exitCode()).as(ldd.toString()).isZero();
    copy(program, root);
    for (String line : ldd.stdout().lines().toList()) {
      Matcher m = LDD_PATH.matcher(line);
      if (m.find()) {
        copy(Path.of(m.group(1)), root);
      }
    }
  }

  private static void copy(Path file, Path root) throws IOException {
    Path target = root.resolve(file.toString().substring(1));
    Files.createDirectories(target.getParent());
    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING); // follows links: real files
  }
}
