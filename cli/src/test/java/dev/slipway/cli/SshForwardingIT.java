package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
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
  private Process agent;

  @AfterEach
  void stopAgent() throws InterruptedException {
    if (agent != null) {
      agent.destroy();
      agent.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void runStepsListTheKeysOfTheAgentAndOfAKeyFile() throws Exception {
    Path agentKey = newKey("agent-key");
    Path fileKey = newKey("file-key");
    Path socket = work.resolve("agent.sock");
    agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).start();
    awaitSocket(socket);
    CliRun add =
        Slipway.exec(
            List.of("ssh-add", agentKey.toString()),
            Map.of("SSH_AUTH_SOCK", socket.toString()),
            null);
    assertThat(add.exitCode()).as(add.toString()).isZero();
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
                Map.of("SSH_AUTH_SOCK", socket.toString()),
                null,
                List.of(
                    "build",
                    "--progress=plain",
                    "--ssh",
                    "default",
                    "--ssh",
                    "deploy=" + fileKey,
                    context.toString()));

    assertThat(build.exitCode()).as(build.toString()).isZero();
    assertThat(build.stderr()).contains(fingerprint(agentKey), fingerprint(fileKey));
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

  private Path newKey(String name) {
    Path key = work.resolve(name);
    CliRun gen =
        Slipway.exec(
            "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", key.toString());
    assertThat(gen.exitCode()).as(gen.toString()).isZero();
    return key;
  }

  /** {@code SHA256:...}, as ssh-add -l prints it. */
  private static String fingerprint(Path key) {
    CliRun run = Slipway.exec("ssh-keygen", "-l", "-f", key + ".pub");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return run.stdout().split(" ")[1];
  }

  private static void awaitSocket(Path socket) throws InterruptedException {
    for (int i = 0; i < 100 && !Files.exists(socket); i++) {
      Thread.sleep(50);
    }
    assertThat(socket).exists();
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
