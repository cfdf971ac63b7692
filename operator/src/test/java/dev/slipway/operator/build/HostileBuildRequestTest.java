package dev.slipway.operator.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.resource.BuildContextSource;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestSpec;
import dev.slipway.api.resource.Builder;
import dev.slipway.api.resource.BuilderReference;
import dev.slipway.api.resource.BuilderSpec;
import dev.slipway.api.resource.GitContext;
import dev.slipway.api.resource.RegistrySettings;
import dev.slipway.api.resource.SecretMount;
import dev.slipway.api.resource.SshMount;
import dev.slipway.session.SessionException;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A BuildRequest (or a Builder's registry setting) that names the operator's own credentials: a
 * Builder's signing key or TLS Secret, another build's session grant. Each is refused with the
 * field, the Secret and what to do, and its value never reaches the build.
 */
@EnableKubernetesMockClient(crud = true)
class HostileBuildRequestTest {
  private static final String NS = "hostile";
  static KubernetesClient client;

  @BeforeEach
  void credentials() {
    client.secrets().inNamespace(NS).delete();
    credential("pool-slipway-signing", "builder-signing", Map.of("signing.pem", "PRIVATE"));
    credential("pool-slipway-tls", "builder-tls", Map.of("tls.key", "PRIVATE"));
    credential("victim-session", "build-session", Map.of("token", "VICTIM-GRANT"));
  }

  @Test
  void aSecretMountNamingTheBuildersSigningKeyIsRefused() {
    BuildRequest request =
        request(
            "steal",
            spec -> {
              SecretMount mount = new SecretMount();
              mount.setId("key");
              mount.setSecretKeyRef(
                  new SecretKeySelector("signing.pem", "pool-slipway-signing", false));
              spec.setSecrets(List.of(mount));
            });

    assertThat(BuildValidator.problem(request, Optional.of(builder(null)), client))
        .hasValueSatisfying(
            p ->
                assertThat(p)
                    .contains(
                        "spec.secrets[0].secretKeyRef",
                        "Secret \"pool-slipway-signing\"",
                        "holds credentials the Slipway operator manages",
                        "name a Secret of your own")
                    .doesNotContain("PRIVATE"));
  }

  @Test
  void anSshKeyNamingAnotherBuildsSessionGrantIsRefused() {
    BuildRequest request =
        request(
            "steal",
            spec -> {
              SshMount ssh = new SshMount();
              ssh.setSecretRef(new SecretKeySelector("token", "victim-session", false));
              spec.setSsh(List.of(ssh));
            });

    assertThat(BuildValidator.problem(request, Optional.of(builder(null)), client))
        .hasValueSatisfying(
            p -> assertThat(p).contains("spec.ssh[0].secretRef", "Secret \"victim-session\""));
  }

  @Test
  void aGitSecretNamingTheBuildersTlsKeyIsRefused() {
    BuildRequest request =
        request("steal", spec -> spec.getContext().getGit().setSecretName("pool-slipway-tls"));

    assertThat(BuildValidator.problem(request, Optional.of(builder(null)), client))
        .hasValueSatisfying(
            p -> assertThat(p).contains("spec.context.git.secretName", "pool-slipway-tls"));
  }

  @Test
  void aBuilderWhoseRegistryCredentialsNameItsSigningKeyIsRefused() {
    BuildRequest request = request("innocent", spec -> {});

    assertThat(
            BuildValidator.problem(request, Optional.of(builder("pool-slipway-signing")), client))
        .hasValueSatisfying(
            p ->
                assertThat(p)
                    .contains(
                        "spec.registry.authSecretName of Builder pool", "pool-slipway-signing"));
  }

  @Test
  void aRequestWhoseSessionSecretNameIsTakenDoesNotOverwriteIt() {
    client
        .secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("app-session")
                .endMetadata()
                .addToData("mine", encode("user data"))
                .build())
        .create();
    BuildRequest request = request("app", spec -> {});

    assertThat(BuildValidator.problem(request, Optional.of(builder(null)), client))
        .hasValueSatisfying(
            p ->
                assertThat(p)
                    .contains("Secret \"app-session\"", "is not this BuildRequest's", "rename"));
    assertThat(client.secrets().inNamespace(NS).withName("app-session").get().getData())
        .containsOnlyKeys("mine");
  }

  @Test
  void theOperatorsSessionNeverServesACredentialWhateverTheRequestNames() {
    SecretSession session =
        new SecretSession(
            client,
            NS,
            Map.of("grant", new SecretKeySelector("token", "victim-session", false)),
            "pool-slipway-tls");

    assertThatThrownBy(() -> session.secret("grant"))
        .isInstanceOf(SessionException.class)
        .hasMessageContaining("victim-session")
        .hasMessageContaining("may not read them")
        .hasMessageNotContaining("VICTIM-GRANT");
    assertThatThrownBy(() -> session.registryCredentials("127.0.0.1:5000"))
        .isInstanceOf(SessionException.class)
        .hasMessageContaining("pool-slipway-tls");
  }

  @Test
  void aMissingRegistrySecretFailsTheBuildInsteadOfGoingAnonymous() {
    SecretSession session = new SecretSession(client, NS, Map.of(), "gone");

    assertThatThrownBy(() -> session.registryCredentials("127.0.0.1:5000"))
        .isInstanceOf(SessionException.class)
        .hasMessageContaining("Secret gone in " + NS)
        .hasMessageContaining("kubectl create secret docker-registry");
    assertThat(
            BuildValidator.problem(
                request("app", spec -> {}), Optional.of(builder("gone")), client))
        .hasValueSatisfying(p -> assertThat(p).contains("Secret \"gone\" does not exist"));
  }

  private static Builder builder(String registryAuth) {
    Builder builder = new Builder();
    builder.setMetadata(
        new ObjectMetaBuilder()
            .withName("pool")
            .withNamespace(NS)
            .withUid(UUID.randomUUID().toString())
            .build());
    BuilderSpec spec = new BuilderSpec();
    if (registryAuth != null) {
      RegistrySettings registry = new RegistrySettings();
      registry.setAuthSecretName(registryAuth);
      spec.setRegistry(registry);
    }
    builder.setSpec(spec);
    return builder;
  }

  private static BuildRequest request(
      String name, java.util.function.Consumer<BuildRequestSpec> customize) {
    BuildRequest request = new BuildRequest();
    request.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(NS)
            .withUid(UUID.randomUUID().toString())
            .build());
    BuildRequestSpec spec = new BuildRequestSpec();
    BuilderReference ref = new BuilderReference();
    ref.setName("pool");
    spec.setBuilderRef(ref);
    BuildContextSource context = new BuildContextSource();
    GitContext git = new GitContext();
    git.setUrl("https://127.0.0.1/app.git");
    context.setGit(git);
    spec.setContext(context);
    customize.accept(spec);
    request.setSpec(spec);
    return request;
  }

  private static void credential(String name, String kind, Map<String, String> values) {
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName(name)
            .addToLabels("slipway.dev/credential", kind)
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withKind("Builder")
                    .withName("pool")
                    .withUid("owner")
                    .build())
            .endMetadata()
            .build();
    values.forEach((k, v) -> secret.getData().put(k, encode(v)));
    client.secrets().inNamespace(NS).resource(secret).create();
  }

  private static String encode(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }
}
