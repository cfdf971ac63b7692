package dev.slipway.engine.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Git sources in the fragment and the query form, as BuildKit's Dockerfile frontend reads them. */
class GitUrlTest {

  @Test
  void theFragmentFormNamesARefAndACleanedSubdirectory() {
    GitUrl git = GitUrl.parse("https://h.example/r.git#v1:/a/./b/../c").orElseThrow();
    assertThat(git.remote()).isEqualTo("https://h.example/r.git");
    assertThat(git.ref()).isEqualTo("v1");
    assertThat(git.subdir()).isEqualTo("a/c");
    assertThat(git.checksum()).isEmpty();
    assertThat(git.keepGitDir()).isNull();
    assertThat(git.submodules()).isNull();
  }

  @Test
  void theQueryFormNamesEveryOption() {
    GitUrl tag =
        GitUrl.parse(
                "git://127.0.0.1:9418/r.git?tag=v1&subdir=sub&checksum=abc123&keep-git-dir=true"
                    + "&submodules=false")
            .orElseThrow();
    assertThat(tag.remote()).isEqualTo("git://127.0.0.1:9418/r.git");
    assertThat(tag.ref()).isEqualTo("refs/tags/v1");
    assertThat(tag.subdir()).isEqualTo("sub");
    assertThat(tag.checksum()).isEqualTo("abc123");
    assertThat(tag.keepGitDir()).isTrue();
    assertThat(tag.submodules()).isFalse();
    assertThat(GitUrl.parse("https://h.example/r.git?branch=dev").orElseThrow().ref())
        .isEqualTo("refs/heads/dev");
    assertThat(GitUrl.parse("https://h.example/r.git?ref=main&commit=ff").orElseThrow())
        .extracting(GitUrl::ref, GitUrl::checksum)
        .containsExactly("main", "ff");
    assertThat(GitUrl.parse("https://h.example/r.git?keep-git-dir").orElseThrow().keepGitDir())
        .as("a boolean option without a value is true")
        .isTrue();
  }

  @Test
  void bothFormsMayBeCombinedWhenTheyAgree() {
    GitUrl git = GitUrl.parse("https://h.example/r.git?ref=v1&subdir=s#v1:s").orElseThrow();
    assertThat(git.ref()).isEqualTo("v1");
    assertThat(git.subdir()).isEqualTo("s");
    assertThat(git.remote()).isEqualTo("https://h.example/r.git");
  }

  @Test
  void conflictingFormsAreRefusedNamingBothValues() {
    assertThatThrownBy(() -> GitUrl.parse("https://h.example/r.git?ref=a#b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ref conflicts: \"b\" vs \"a\"")
        .hasMessageContaining("name it in one place only");
    assertThatThrownBy(() -> GitUrl.parse("https://h.example/r.git?subdir=x#main:y"))
        .hasMessageContaining("subdir conflicts");
    assertThatThrownBy(() -> GitUrl.parse("https://h.example/r.git?branch=a&tag=b"))
        .hasMessageContaining("branch= and tag= conflict");
    assertThatThrownBy(() -> GitUrl.parse("https://h.example/r.git?tag=v1&ref=main"))
        .hasMessageContaining("ref conflicts");
  }

  @Test
  void badOptionsAreRefusedSayingHowToFixThem() {
    assertThatThrownBy(() -> GitUrl.parse("https://h.example/r.git?depth=1"))
        .hasMessageContaining("unknown option \"depth\"")
        .hasMessageContaining("known: ref, tag, branch");
    assertThatThrownBy(() -> GitUrl.parse("https://h.example/r.git?ref="))
        .hasMessageContaining("option \"ref\" has no value: write ref=<value>");
    assertThatThrownBy(() -> GitUrl.parse("https://h.example/r.git?ref=a&ref=a"))
        .hasMessageContaining("given more than once");
    assertThatThrownBy(() -> GitUrl.parse("https://h.example/r.git?keep-git-dir=maybe"))
        .hasMessageContaining("invalid keep-git-dir value \"maybe\": use true or false");
  }

  @Test
  void aSubdirectoryCannotClimbOutOfTheRepository() {
    assertThat(GitUrl.parse("https://h.example/r.git?subdir=../../etc/x").orElseThrow().subdir())
        .isEqualTo("etc/x");
    assertThat(GitUrl.parse("https://h.example/r.git#main:/../..").orElseThrow().subdir())
        .isEmpty();
  }

  @Test
  void credentialsInARefusedUrlAreNotShown() {
    assertThatThrownBy(() -> GitUrl.parse("https://user:s3cret@h.example/r.git?nope=1"))
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void onlyGitTransportsAndHttpPathsEndingInDotGitAreGitSources() {
    assertThat(GitUrl.parse("https://h.example/file.tar.gz")).isEmpty();
    assertThat(GitUrl.parse("https://h.example/file.tar.gz?x=r.git")).isEmpty();
    assertThat(GitUrl.parse("https://h.example/r.git?ref=v1")).isPresent();
    assertThat(GitUrl.parse("ssh://git@h.example/r")).isPresent();
    assertThat(GitUrl.parse("git@github.com:org/repo.git#main").map(GitUrl::remote))
        .isEqualTo(Optional.of("git@github.com:org/repo.git"));
    assertThat(GitUrl.parse("app.tar.gz")).isEmpty();
    assertThat(GitUrl.parse("./dir")).isEmpty();
    assertThat(GitUrl.parse("ftp://h.example/r.git")).isEmpty();
  }
}
