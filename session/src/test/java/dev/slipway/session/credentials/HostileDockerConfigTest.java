package dev.slipway.session.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.session.SessionException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * Docker configs that are malformed in ways a quick parser would read as "no credentials": each is
 * an error naming the config, the host and what is wrong, and never quoting a value (which may be
 * the secret). A build that silently went anonymous could pull something else under the same name.
 */
class HostileDockerConfigTest {
  private static final String SECRET = "s3cret-value-never-shown";

  @Test
  void anAuthThatIsNotAStringIsAnErrorNotAnonymous() {
    assertThatThrownBy(() -> forGhcr("{\"auths\": {\"ghcr.io\": {\"auth\": {\"x\": 1}}}}"))
        .isInstanceOf(SessionException.class)
        .hasMessageContaining("Secret pull in ci")
        .hasMessageContaining("the \"auth\" of ghcr.io is not a string");
  }

  @Test
  void aPasswordThatIsNotAStringIsNamedWithoutItsValue() {
    assertThatThrownBy(
            () ->
                forGhcr(
                    "{\"auths\": {\"ghcr.io\": {\"username\": \"u\", \"password\": [\""
                        + SECRET
                        + "\"]}}}"))
        .isInstanceOf(SessionException.class)
        .hasMessageContaining("the \"password\" of ghcr.io is not a string")
        .hasMessageNotContaining(SECRET);
  }

  @Test
  void anIdentityTokenThatIsNotAStringIsAnError() {
    assertThatThrownBy(() -> forGhcr("{\"auths\": {\"ghcr.io\": {\"identitytoken\": 42}}}"))
        .isInstanceOf(SessionException.class)
        .hasMessageContaining("the \"identitytoken\" of ghcr.io is not a string");
  }

  @Test
  void anEntryWithoutCredentialsAndNoStoreIsAnErrorNotAnonymous() {
    assertThatThrownBy(() -> forGhcr("{\"auths\": {\"https://ghcr.io\": {}}}"))
        .isInstanceOf(SessionException.class)
        .hasMessageContaining("the entry for ghcr.io has no \"auth\"")
        .hasMessageContaining("docker login ghcr.io");
  }

  @Test
  void anEmptyEntryDefersToTheCredsStoreAsDockerDoes() {
    DockerConfig config =
        DockerConfig.parse(
            bytes("{\"auths\": {\"ghcr.io\": {}}, \"credsStore\": \"slipway-absent\"}"),
            "config.json");

    assertThatThrownBy(() -> config.forHost("ghcr.io"))
        .as("the store is asked (and here cannot run), rather than going anonymous")
        .hasMessageContaining("docker-credential-slipway-absent");
  }

  @Test
  void aCredsStoreThatIsNotAStringIsAnError() {
    assertThatThrownBy(() -> forGhcr("{\"credsStore\": {\"name\": \"" + SECRET + "\"}}"))
        .isInstanceOf(SessionException.class)
        .hasMessageContaining("has a \"credsStore\" that is not a string")
        .hasMessageNotContaining(SECRET);
  }

  @Test
  void aCredHelperThatIsNotAStringIsAnErrorForEveryHost() {
    assertThatThrownBy(
            () ->
                DockerConfig.parse(bytes("{\"credHelpers\": {\"gcr.io\": 7}}"), "config.json")
                    .forHost("quay.io"))
        .isInstanceOf(SessionException.class)
        .hasMessageContaining("config.json")
        .hasMessageContaining("\"credHelpers\" entry for gcr.io that is not a string");
  }

  @Test
  void invalidJsonNeverQuotesTheConfig() {
    String auth = Base64.getEncoder().encodeToString(("u:" + SECRET).getBytes());
    assertThatThrownBy(() -> forGhcr("{\"auths\": {\"ghcr.io\": {\"auth\": \"" + auth + "\"}"))
        .isInstanceOf(SessionException.class)
        .hasMessageContaining("is not valid JSON")
        .hasMessageNotContaining(auth)
        .hasMessageNotContaining(SECRET);
  }

  @Test
  void aWellFormedConfigStillWorks() throws Exception {
    String auth = Base64.getEncoder().encodeToString(("u:" + SECRET).getBytes());
    assertThat(
            DockerConfig.parseWithoutHelpers(
                    bytes("{\"auths\": {\"ghcr.io\": {\"auth\": \"" + auth + "\"}}}"), "x")
                .forHost("ghcr.io"))
        .hasValueSatisfying(c -> assertThat(c.secret()).isEqualTo(SECRET));
  }

  private static Object forGhcr(String json) throws SessionException {
    return DockerConfig.parseWithoutHelpers(bytes(json), "Secret pull in ci").forHost("ghcr.io");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
