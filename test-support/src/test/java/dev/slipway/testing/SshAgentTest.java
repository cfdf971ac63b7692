package dev.slipway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshAgentTest {
  @TempDir Path dir;

  @Test
  void holdsItsNewKeyUntilClosed() throws Exception {
    Path socket;
    try (SshAgent agent = SshAgent.start(dir.resolve("ssh"), "test-key")) {
      socket = agent.socket();
      String listed = Command.run(dir, Map.of("SSH_AUTH_SOCK", socket.toString()), "ssh-add", "-l");

      assertThat(agent.key().fingerprint()).startsWith("SHA256:");
      assertThat(listed).contains(agent.key().fingerprint()).contains("test-key (ED25519)");
    }
    ProcessBuilder list =
        new ProcessBuilder("ssh-add", "-l")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    list.environment().put("SSH_AUTH_SOCK", socket.toString());
    assertThat(list.start().waitFor()).as("ssh-add -l once the agent is closed").isNotZero();
  }
}
