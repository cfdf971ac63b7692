package dev.slipway.operator.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.session.RegistryCredentials;
import dev.slipway.session.SessionException;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The operator serves Secret keys, read when the builder asks, and nothing else. */
@EnableKubernetesMockClient(crud = true)
class SecretSessionTest {
  static KubernetesClient client;

  @Test
  void aSecretIdIsServedFromTheSecretKeyItNames() throws Exception {
    secret("api", Map.of("token", "s3cret"), Map.of());
    secret("strings", Map.of(), Map.of("password", "from-stringData"));
    SecretSession session =
        new SecretSession(
            client,
            "default",
            Map.of(
                "npm", new SecretKeySelector("token", "api", false),
                "git", new SecretKeySelector("password", "strings", false),
                "gone", new SecretKeySelector("token", "deleted", false)),
            null);

    assertThat(session.secret("npm").map(String::new)).contains("s3cret");
    assertThat(session.secret("git").map(String::new)).contains("from-stringData");
    assertThat(session.secret("gone")).isEmpty();
    assertThat(session.secret("unnamed")).isEmpty();
  }

  @Test
  void registryCredentialsComeFromTheBuildersDockerconfigjsonMatchedAsDockerDoes()
      throws Exception {
    String auth = Base64.getEncoder().encodeToString("robot:pw".getBytes(StandardCharsets.UTF_8));
    secret(
        "pull",
        Map.of(
            ".dockerconfigjson",
            "{\"auths\": {\"https://index.docker.io/v1/\": {\"auth\": \"" + auth + "\"}}}"),
        Map.of());
    SecretSession session = new SecretSession(client, "default", Map.of(), "pull");

    assertThat(session.registryCredentials("docker.io"))
        .contains(new RegistryCredentials("robot", "pw", false));
    assertThat(session.registryCredentials("ghcr.io")).isEmpty();
    assertThat(new SecretSession(client, "default", Map.of(), null).registryCredentials("x"))
        .isEmpty();
  }

  @Test
  void aMalformedDockerconfigjsonIsAnErrorNamingTheSecret() {
    secret("broken", Map.of(".dockerconfigjson", "{not json"), Map.of());
    SecretSession session = new SecretSession(client, "default", Map.of(), "broken");

    assertThatThrownBy(() -> session.registryCredentials("ghcr.io"))
        .isInstanceOf(SessionException.class)
        .hasMessageContaining("Secret broken in default")
        .hasMessageContaining("is not valid JSON");
  }

  @Test
  void aNamedRegistrySecretThatIsGoneOrLacksItsKeyIsAnErrorNotAnonymous() {
    secret("wrong-type", Map.of("token", "not a docker config"), Map.of());

    for (String name : new String[] {"gone", "wrong-type"}) {
      SecretSession session = new SecretSession(client, "default", Map.of(), name);
      assertThatThrownBy(() -> session.registryCredentials("ghcr.io"))
          .isInstanceOf(SessionException.class)
          .hasMessageContaining("the registry Secret " + name + " in default")
          .hasMessageContaining(".dockerconfigjson")
          .hasMessageNotContaining("not a docker config");
    }
  }

  @Test
  void contextsAgentsAndOutputsAreNotTheOperatorsToServe() {
    SecretSession session = new SecretSession(client, "default", Map.of(), null);

    assertThatThrownBy(() -> session.context("context")).isInstanceOf(SessionException.class);
    assertThatThrownBy(() -> session.sshAgentSocket("default"))
        .hasMessageContaining("ssh_key_secret_ids");
    assertThatThrownBy(
            () -> session.outputStream(new dev.slipway.session.OutputDestination.Stdout()))
        .isInstanceOf(SessionException.class);
  }

  private static void secret(String name, Map<String, String> data, Map<String, String> strings) {
    Map<String, String> encoded = new java.util.HashMap<>();
    data.forEach(
        (k, v) ->
            encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    client
        .secrets()
        .inNamespace("default")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withData(encoded)
                .withStringData(strings)
                .build())
        .create();
  }
}
