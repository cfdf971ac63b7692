package dev.slipway.session.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.session.SessionException;
import dev.slipway.testing.SshKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Agents loaded from key bytes, as a builder runs them for keys its client serves as secrets. */
class SshAgentsTest {

  @TempDir Path dir;

  @Test
  void aKeyIsReadOnceLoadedIntoAnAgentAndLeftOnNoDisk() throws Exception {
    SshKey key = SshKey.generate(dir.resolve("deploy"), "deploy@slipway");
    byte[] text = Files.readAllBytes(key.file());
    // Kubernetes Secrets often lose the key's last newline: the agent must load it anyway.
    byte[] withoutNewline = new String(text, StandardCharsets.UTF_8).strip().getBytes();
    AtomicInteger reads = new AtomicInteger();

    Path socket;
    try (SshAgents agents = new SshAgents()) {
      socket =
          agents
              .socketForKey(
                  "default",
                  () -> {
                    reads.incrementAndGet();
                    return Optional.of(withoutNewline.clone());
                  })
              .orElseThrow();
      Path again =
          agents.socketForKey("default", () -> Optional.of(withoutNewline.clone())).orElseThrow();

      assertThat(again).isEqualTo(socket);
      assertThat(reads).hasValue(1);
      assertThat(listKeys(socket)).contains(key.fingerprint());
      try (var files = Files.list(socket.getParent())) {
        assertThat(files.map(f -> f.getFileName().toString())).containsExactly("agent.sock");
      }
      assertThat(Files.getPosixFilePermissions(socket.getParent()))
          .containsExactlyInAnyOrderElementsOf(
              java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }
    assertThat(socket.getParent()).as("the agent's directory goes with the session").doesNotExist();
  }

  @Test
  void noKeyMeansNoAgent() throws Exception {
    try (SshAgents agents = new SshAgents()) {
      assertThat(agents.socketForKey("default", Optional::empty)).isEmpty();
    }
  }

  @Test
  void aKeyWithAPassphraseIsRefusedWithoutShowingIt() throws Exception {
    Path file = dir.resolve("locked");
    Process keygen =
        new ProcessBuilder(
                "ssh-keygen", "-q", "-t", "ed25519", "-N", "a passphrase", "-f", file.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(keygen.waitFor(30, TimeUnit.SECONDS) && keygen.exitValue() == 0).isTrue();
    String text = Files.readString(file);

    try (SshAgents agents = new SshAgents()) {
      assertThatThrownBy(() -> agents.socketForKey("deploy", () -> Optional.of(text.getBytes())))
          .isInstanceOf(SessionException.class)
          .hasMessageContaining("ssh deploy: the private key has a passphrase")
          .hasMessageContaining("ssh-keygen -p")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(text.lines().toList().get(1)));
    }
  }

  @Test
  void textThatIsNoKeyIsRefusedWithoutShowingIt() throws Exception {
    try (SshAgents agents = new SshAgents()) {
      assertThatThrownBy(
              () ->
                  agents.socketForKey("default", () -> Optional.of("hunter2-not-a-key".getBytes())))
          .isInstanceOf(SessionException.class)
          .hasMessageContaining("is not a valid private key")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    }
  }

  private static String listKeys(Path socket) throws Exception {
    ProcessBuilder list = new ProcessBuilder("ssh-add", "-l").redirectErrorStream(true);
    list.environment().put("SSH_AUTH_SOCK", socket.toString());
    Process p = list.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return out;
  }
}
