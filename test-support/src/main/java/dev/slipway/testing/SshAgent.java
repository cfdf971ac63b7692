package dev.slipway.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A real {@code ssh-agent} holding one new key, as a developer's machine would run it. */
public final class SshAgent implements AutoCloseable {

  private final Process process;
  private final Path socket;
  private final SshKey key;

  private SshAgent(Process process, Path socket, SshKey key) {
    this.process = process;
    this.socket = socket;
    this.key = key;
  }

  /**
   * Starts an agent whose socket is {@code dir/agent.sock} and adds a new key {@code
   * dir/id_ed25519} with {@code keyComment} to it.
   */
  public static SshAgent start(Path dir, String keyComment)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    SshKey key = SshKey.generate(dir.resolve("id_ed25519"), keyComment);
    Path socket = dir.resolve("agent.sock");
    Process process =
        new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    SshAgent agent = new SshAgent(process, socket, key);
    try {
      for (int i = 0; i < 100 && !Files.exists(socket) && process.isAlive(); i++) {
        Thread.sleep(50);
      }
      if (!Files.exists(socket)) {
        throw new IOException("ssh-agent did not create its socket " + socket);
      }
      Command.of("ssh-add", "-q", key.file().toString())
          .in(dir)
          .env("SSH_AUTH_SOCK", socket.toString())
          .timeout(Duration.ofSeconds(60))
          .output();
      return agent;
    } catch (IOException | InterruptedException | RuntimeException e) {
      agent.close();
      throw e;
    }
  }

  /** For {@code SSH_AUTH_SOCK}. */
  public Path socket() {
    return socket;
  }

  /** The key the agent holds. */
  public SshKey key() {
    return key;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
