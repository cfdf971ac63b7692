package dev.slipway.engine.frontend.dockerfile.dockerignore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerIgnoreTest {

  private static PatternMatcher matcher(String text) {
    return PatternMatcher.of(DockerIgnore.parse(".dockerignore", text));
  }

  @Test
  void parsesCommentsBlankLinesExceptionsAndNormalizesPaths() {
    List<String> p =
        DockerIgnore.parse(
            ".dockerignore",
            "# comment\n\n  *.log  \n!important.log\n/root-only.txt\n./secret.env\ntmp/\na//b/../c\n");
    assertThat(p)
        .containsExactly("*.log", "!important.log", "root-only.txt", "secret.env", "tmp", "a/c");
  }

  @Test
  void lastMatchingLineWins() {
    PatternMatcher m = matcher("*.md\n!README*.md\nREADME-secret.md\ndocs\n!docs/README.md\n");
    assertThat(m.matches("CHANGELOG.md")).isTrue();
    assertThat(m.matches("README.md")).isFalse();
    assertThat(m.matches("README-secret.md")).isTrue();
    assertThat(m.matches("docs/guide.txt")).isTrue();
    assertThat(m.matches("docs/README.md")).isFalse();
    assertThat(m.hasExclusions()).isTrue();
  }

  @Test
  void starAndQuestionStayWithinOneElement() {
    PatternMatcher m = matcher("*.log\nfile?.txt\n[ab].cfg\n");
    assertThat(m.matches("app.log")).isTrue();
    assertThat(m.matches("sub/app.log")).isFalse();
    assertThat(m.matches("file1.txt")).isTrue();
    assertThat(m.matches("file10.txt")).isFalse();
    assertThat(m.matches("a.cfg")).isTrue();
    assertThat(m.matches("c.cfg")).isFalse();
  }

  @Test
  void doubleStarCrossesDirectories() {
    PatternMatcher m = matcher("**/*.tmp\n**/node_modules\ndocs/**/*.md\n");
    assertThat(m.matches("top.tmp")).isTrue();
    assertThat(m.matches("a/b/c.tmp")).isTrue();
    assertThat(m.matches("x/y/node_modules/pkg/index.js")).isTrue();
    assertThat(m.matches("docs/a.md")).isTrue();
    assertThat(m.matches("docs/x/y/a.md")).isTrue();
    assertThat(m.matches("src/a.md")).isFalse();
  }

  @Test
  void aMatchedDirectoryExcludesEverythingBelowIt() {
    PatternMatcher m = matcher("tmp\n");
    assertThat(m.matches("tmp/a/b.txt")).isTrue();
    assertThat(m.matches("tmpfile")).isFalse();
  }

  @Test
  void malformedPatternsAreTypedErrors() {
    assertThatThrownBy(() -> DockerIgnore.parse(".dockerignore", "ok\n!\n"))
        .isInstanceOf(DockerfileException.class)
        .satisfies(e -> assertThat(((DockerfileException) e).position().line()).isEqualTo(2));
    assertThatThrownBy(() -> DockerIgnore.parse(".dockerignore", "[abc\n"))
        .isInstanceOf(DockerfileException.class);
  }

  @Test
  void prefersTheIgnoreFileNamedAfterTheDockerfile(@TempDir Path dir) throws Exception {
    Path df = dir.resolve("build/app.Dockerfile");
    Files.createDirectories(df.getParent());
    Files.writeString(df, "FROM scratch\n");
    Files.writeString(dir.resolve(".dockerignore"), "general\n");
    assertThat(DockerIgnore.load(df, dir)).containsExactly("general");
    Files.writeString(dir.resolve("build/app.Dockerfile.dockerignore"), "specific\n");
    assertThat(DockerIgnore.load(df, dir)).containsExactly("specific");
    assertThat(DockerIgnore.load(dir.resolve("none/Dockerfile"), dir.resolve("none"))).isEmpty();
  }
}
