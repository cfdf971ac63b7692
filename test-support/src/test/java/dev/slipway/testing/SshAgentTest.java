package dev.slipway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshAgentTest {
  @TempDir Path dir;

  @Test
  void holdsItsNewKeyUntilClosed() throws Exception {
    Path socket;
    try (SshAgent agent = SshAgent.start(dir.resolve("ssh"), "test-key")) {
      socket = agent.socket();
      String listed = Command.of("ssh-add", "-l").env("SSH_AUTH_SOCK", socket.toString()).output();

      assertThat(agent.key().fingerprint()).startsWith("SHA256:");
      assertThat(listed).contains(agent.key().fingerprint()).contains("test-key (ED25519)");
    }
    assertThat(Command.of("ssh-add", "-l").env("SSH_AUTH_SOCK", socket.toString()).run().exitCode())
        .as("ssh-add -l once the agent is closed")
        .isNotZero();
  }
}
