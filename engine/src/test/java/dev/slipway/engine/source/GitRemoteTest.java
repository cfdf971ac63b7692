package dev.slipway.engine.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which remotes and refs reach git at all (HostileSourceTest shows git refusing the rest). */
class GitRemoteTest {

  @ParameterizedTest
  @CsvSource({
    "https://github.com/moby/buildkit.git, https",
    "http://127.0.0.1:8080/app.git, http",
    "HTTPS://Example.com/x.git, https",
    "git://127.0.0.1:9418/app.git, git",
    "ssh://git@github.com/org/repo.git, ssh",
    "git+ssh://git@github.com/org/repo.git, ssh",
    "git@github.com:org/repo.git, ssh",
    "github.com:org/repo.git, ssh",
    "https://user:token@github.com/org/repo.git, https"
  })
  void networkTransportsAreAllowed(String url, String protocol) {
    assertThat(GitRemote.parse(url).protocol()).isEqualTo(protocol);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "file:///etc|the file:// transport is not allowed",
        "FILE:///etc|the file:// transport is not allowed",
        "ftp://host/repo.git|the ftp:// transport is not allowed",
        "ext::sh -c touch% /tmp/x|transport helper",
        "fd::17|transport helper",
        "/srv/git/app.git|it is a local path",
        "./app|it is a local path",
        "app.git|it is a local path",
        "--upload-pack=touch /tmp/x|starts with '-'",
        "ssh://-oProxyCommand=touch%20x/repo|a host starting with '-'",
        "user@-oProxyCommand=x:repo|it is a local path",
        "https:///no-host|names no host"
      })
  void everythingElseIsRefusedWithTheReason(String url, String reason) {
    assertThatThrownBy(() -> GitRemote.parse(url))
        .isInstanceOf(SourceFetchException.class)
        .hasMessageContaining(reason)
        .hasMessageContaining("use an https://, http://, ssh://, git:// or user@host:path URL");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "https://user:s3cret@h/r.git|https://h/r.git|user:s3cret",
        "https://s3cret@h/r.git|https://h/r.git|s3cret:",
        "https://u%40x:s3%3Acret+@h/r.git|https://h/r.git|u@x:s3:cret+",
        "https://u:s3@cret@h/r.git|https://h/r.git|u:s3@cret",
        "ssh://git:s3cret@h/r.git|ssh://git@h/r.git|git:s3cret",
        "git@h:r.git|git@h:r.git|",
        "https://h/r.git|https://h/r.git|"
      })
  void theRecordedRemoteCarriesNoSecret(String url, String recorded, String userInfo) {
    GitRemote remote = GitRemote.parse(url);
    assertThat(remote.recorded()).isEqualTo(recorded).doesNotContain("s3");
    assertThat(remote.userInfo()).isEqualTo(java.util.Optional.ofNullable(userInfo));
  }

  @org.junit.jupiter.api.Test
  void aRefusedUrlShowsNoCredentialsOrControlCharacters() {
    assertThatThrownBy(() -> GitRemote.parse("file://user:s3cret@host/x\n[core]"))
        .hasMessageNotContaining("s3cret")
        .hasMessageNotContaining("\n");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"main", "v1.2.0", "refs/pull/1/head", "0123456789abcdef", "feature/x-y_z"})
  void refsAreAllowed(String ref) {
    assertThat(GitRemote.checkRef(ref, "https://h/r.git")).isEqualTo(ref);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "--upload-pack=touch /tmp/x",
        "-b",
        "main:refs/heads/x",
        "main..other",
        "HEAD~1",
        "HEAD^",
        "@{-1}",
        "a b",
        "a\nb",
        "refs/heads/",
        "x.lock"
      })
  void refsGitWouldReadAsSomethingElseAreRefused(String ref) {
    assertThatThrownBy(() -> GitRemote.checkRef(ref, "https://h/r.git"))
        .isInstanceOf(SourceFetchException.class)
        .hasMessageContaining("name a branch, tag or commit")
        .hasMessageNotContaining("\n");
  }
}
