package dev.slipway.engine.fileop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PathGlobTest {

  @Test
  void goMatchSyntax() {
    assertThat(PathGlob.compile("*.txt", false).matches("a.txt")).isTrue();
    assertThat(PathGlob.compile("*.txt", false).matches("d/a.txt")).isFalse();
    assertThat(PathGlob.compile("file?.md", false).matches("file1.md")).isTrue();
    assertThat(PathGlob.compile("file?.md", false).matches("file10.md")).isFalse();
    assertThat(PathGlob.compile("[xy].cfg", false).matches("z.cfg")).isFalse();
    assertThat(PathGlob.compile("[^xy].cfg", false).matches("z.cfg")).isTrue();
    assertThat(PathGlob.compile("[a-c]*", false).matches("b1")).isTrue();
    assertThat(PathGlob.compile("\\*", false).matches("*")).isTrue();
    assertThat(PathGlob.compile("\\*", false).matches("a")).isFalse();
    assertThat(PathGlob.compile("a.b", false).matches("axb")).isFalse();
    assertThat(PathGlob.hasWildcards("a\\*b")).isFalse();
    assertThat(PathGlob.hasWildcards("a[b]")).isTrue();
  }

  @Test
  void doubleStarSpansDirectories() {
    PathGlob g = PathGlob.compile("**/*.md", true);
    assertThat(g.matches("a.md")).isTrue();
    assertThat(g.matches("x/y/a.md")).isTrue();
    assertThat(g.matches("x/y/a.txt")).isFalse();
    assertThat(PathGlob.compile("**/*.md", false).matches("x/y/a.md")).isFalse();
  }

  @Test
  void badPatternsAreErrors() {
    assertThatThrownBy(() -> PathGlob.compile("[abc", false))
        .isInstanceOf(FileOpException.class)
        .hasMessageContaining("[abc");
  }

  @Test
  void excludeMatcherUsesLastMatchAndParentDirectories() {
    ExcludeMatcher m = ExcludeMatcher.of(List.of("docs", "!docs/keep.md", "*.log"));
    assertThat(m.excludes("docs/other.md", false)).isTrue();
    assertThat(m.excludes("docs/keep.md", false)).isFalse();
    assertThat(m.excludes("docs", true)).as("entered for the exception").isFalse();
    assertThat(m.excludes("a.log", false)).isTrue();
    assertThat(m.excludes("sub/a.log", false)).isFalse();
  }
}
