package dev.slipway.e2e.journeys;

import dev.slipway.e2e.Commands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real {@code ssh-agent} holding one new key, as a developer's machine would run it. */
final class SshAgent implements AutoCloseable {

  private final Process process;
  private final Path socket;
  private final String fingerprint;

  private SshAgent(Process process, Path socket, String fingerprint) {
    this.process = process;
    this.socket = socket;
    this.fingerprint = fingerprint;
  }

  static SshAgent start(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path key = dir.resolve("id_ed25519");
    run(Map.of(), "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "e2e", "-f", key.toString());
    Path socket = dir.resolve("agent.sock");
    Process agent =
        new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    for (int i = 0; i < 100 && !Files.exists(socket); i++) {
      Thread.sleep(50);
    }
    run(Map.of("SSH_AUTH_SOCK", socket.toString()), "ssh-add", "-q", key.toString());
    String fingerprint =
        run(Map.of(), "ssh-keygen", "-l", "-f", key + ".pub").stdout().trim().split("\\s+")[1];
    return new SshAgent(agent, socket, fingerprint);
  }

  Path socket() {
    return socket;
  }

  /** The key's SHA256 fingerprint, as {@code ssh-add -l} prints it. */
  String fingerprint() {
    return fingerprint;
  }

  private static Commands.Result run(Map<String, String> env, String... command) {
    return Commands.run(List.of(command), env, null, Duration.ofSeconds(30), null).requireSuccess();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
