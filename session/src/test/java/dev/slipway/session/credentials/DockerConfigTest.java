package dev.slipway.session.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.session.RegistryCredentials;
import dev.slipway.session.SessionException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One parser for config.json and dockerconfigjson Secrets, matching hosts as docker does. */
class DockerConfigTest {
  @TempDir Path dir;

  @Test
  void aKeysSchemeAndPathDoNotMatter() throws Exception {
    DockerConfig config =
        config(
            """
            {"auths": {
              "https://ghcr.io/v2/": {"auth": "%s"},
              "http://127.0.0.1:5000": {"username": "local", "password": "pw"}
            }}"""
                .formatted(basic("octocat", "ghp_x")));

    assertThat(config.forHost("ghcr.io"))
        .contains(new RegistryCredentials("octocat", "ghp_x", false));
    assertThat(config.forHost("127.0.0.1:5000"))
        .contains(new RegistryCredentials("local", "pw", false));
    assertThat(config.forHost("127.0.0.1:5001")).isEmpty();
    assertThat(config.forHost("quay.io")).isEmpty();
  }

  @Test
  void dockerHubHasOneNameWhateverTheConfigOrTheImageCallsIt() throws Exception {
    DockerConfig login =
        config(
            "{\"auths\": {\"https://index.docker.io/v1/\": {\"auth\": \"%s\"}}}"
                .formatted(basic("me", "hub")));
    DockerConfig secret =
        config("{\"auths\": {\"docker.io\": {\"auth\": \"%s\"}}}".formatted(basic("me", "hub")));

    for (DockerConfig config : new DockerConfig[] {login, secret}) {
      for (String host : new String[] {"docker.io", "index.docker.io", "registry-1.docker.io"}) {
        assertThat(config.forHost(host)).contains(new RegistryCredentials("me", "hub", false));
      }
    }
  }

  @Test
  void anExactKeyWinsOverAnEquivalentOne() throws Exception {
    DockerConfig config =
        config(
            """
            {"auths": {
              "https://registry.example/v1/": {"username": "old", "password": "1"},
              "registry.example": {"username": "new", "password": "2"}
            }}""");

    assertThat(config.forHost("registry.example").map(RegistryCredentials::username))
        .contains("new");
  }

  @Test
  void anIdentityTokenIsUsedAsSuch() throws Exception {
    DockerConfig config =
        config("{\"auths\": {\"acr.example\": {\"identitytoken\": \"refresh-token\"}}}");

    assertThat(config.forHost("acr.example"))
        .contains(new RegistryCredentials("", "refresh-token", true));
  }

  @Test
  void malformedConfigFailsTheLookupInsteadOfGoingAnonymous() {
    assertThatThrownBy(() -> config("{\"auths\": ").forHost("ghcr.io"))
        .isInstanceOf(SessionException.class)
        .hasMessageContaining("is not valid JSON")
        .hasMessageContaining("ghcr.io");
    assertThatThrownBy(() -> config("[]").forHost("ghcr.io"))
        .hasMessageContaining("is not a JSON object");
    assertThatThrownBy(() -> config("{\"auths\": []}").forHost("ghcr.io"))
        .hasMessageContaining("has an \"auths\" that is not an object");
    assertThatThrownBy(() -> config("{\"auths\": {\"ghcr.io\": \"x\"}}").forHost("ghcr.io"))
        .hasMessageContaining("the entry for ghcr.io is not an object");
  }

  @Test
  void aBrokenAuthFieldIsNamedWithoutItsValue() {
    assertThatThrownBy(
            () -> config("{\"auths\": {\"ghcr.io\": {\"auth\": \"%%%\"}}}").forHost("ghcr.io"))
        .isInstanceOf(SessionException.class)
        .hasMessageContaining("the \"auth\" of ghcr.io is not base64")
        .hasMessageNotContaining("%%%");
    String noColon = Base64.getEncoder().encodeToString("justatoken".getBytes());
    assertThatThrownBy(
            () ->
                config("{\"auths\": {\"ghcr.io\": {\"auth\": \"" + noColon + "\"}}}")
                    .forHost("ghcr.io"))
        .hasMessageContaining("is not user:password")
        .hasMessageNotContaining("justatoken");
  }

  @Test
  void aMissingFileMeansNoCredentialsButAnUnreadableOneIsAnError() throws Exception {
    assertThat(DockerConfig.read(dir.resolve("absent.json")).forHost("ghcr.io")).isEmpty();

    Path garbage = Files.writeString(dir.resolve("config.json"), "not json");
    assertThatThrownBy(() -> DockerConfig.read(garbage).forHost("ghcr.io"))
        .hasMessageContaining(garbage.toString());
  }

  @Test
  void aHelperThatCannotRunIsNamed() {
    DockerConfig config = config("{\"credHelpers\": {\"https://gcr.io\": \"slipway-absent\"}}");

    assertThatThrownBy(() -> config.forHost("gcr.io"))
        .hasMessageContaining("docker-credential-slipway-absent");
    assertThatThrownBy(() -> config("{\"credsStore\": \"slipway-absent\"}").forHost("quay.io"))
        .hasMessageContaining("docker-credential-slipway-absent");
  }

  @Test
  void aHelperNameThatIsNotAPlainNameRunsNothing() {
    DockerConfig config = config("{\"credHelpers\": {\"gcr.io\": \"../../../bin/sh\"}}");

    assertThatThrownBy(() -> config.forHost("gcr.io"))
        .hasMessageContaining("not a plain name")
        .hasMessageNotContaining("docker-credential-");
  }

  @Test
  void aConfigFromASecretRunsNoHelperButItsAuthsStillCount() throws Exception {
    DockerConfig secret =
        DockerConfig.parseWithoutHelpers(
            ("{\"credsStore\": \"desktop\", \"auths\": {\"ghcr.io\": {\"auth\": \""
                    + basic("bot", "pw")
                    + "\"}}}")
                .getBytes(StandardCharsets.UTF_8),
            "Secret regcred in team-a");

    assertThat(secret.forHost("ghcr.io"))
        .hasValueSatisfying(c -> assertThat(c.username()).isEqualTo("bot"));
    assertThatThrownBy(() -> secret.forHost("quay.io"))
        .hasMessageContaining("Secret regcred in team-a")
        .hasMessageContaining("\"desktop\"")
        .hasMessageContaining("under \"auths\"");
  }

  @Test
  void hostsAreCanonicalisedAsDockerDoes() {
    assertThat(DockerConfig.canonicalHost("https://index.docker.io/v1/")).isEqualTo("docker.io");
    assertThat(DockerConfig.canonicalHost("registry-1.docker.io")).isEqualTo("docker.io");
    assertThat(DockerConfig.canonicalHost("http://localhost:5000/v2/")).isEqualTo("localhost:5000");
    assertThat(DockerConfig.canonicalHost("ghcr.io")).isEqualTo("ghcr.io");
  }

  private static DockerConfig config(String json) {
    return DockerConfig.parse(json.getBytes(StandardCharsets.UTF_8), "test config");
  }

  private static String basic(String user, String password) {
    return Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }
}
