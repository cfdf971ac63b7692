package dev.slipway.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitDaemonTest {
  @TempDir Path dir;

  @Test
  void servesWhatItPublishesOverGitOnLoopback() throws Exception {
    try (GitDaemon daemon = GitDaemon.start(dir.resolve("git"))) {
      String url =
          daemon.publish(
              "app", Map.of("Dockerfile", "FROM scratch\n", "conf/app.conf", "port=80\n"));

      assertThat(url).matches("git://127\\.0\\.0\\.1:\\d+/app\\.git");
      Path clone = dir.resolve("clone");
      Command.of("git", "clone", "-q", "--branch", "main", url, clone.toString()).in(dir).output();
      assertThat(clone.resolve("Dockerfile")).hasContent("FROM scratch");
      assertThat(clone.resolve("conf/app.conf")).hasContent("port=80");
    }
  }

  @Test
  void aSecondRepositoryOfTheSameNameIsRefusedWithGitsMessage() throws Exception {
    try (GitDaemon daemon = GitDaemon.start(dir.resolve("git"))) {
      daemon.publish("app", Map.of("a.txt", "a\n"));

      assertThatThrownBy(() -> daemon.publish("app", Map.of("b.txt", "b\n")))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("git clone")
          .hasMessageContaining("app.git");
    }
  }
}
