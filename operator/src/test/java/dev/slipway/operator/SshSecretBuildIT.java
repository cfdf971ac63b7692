package dev.slipway.operator;

import static dev.slipway.operator.testing.OperatorHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.SshMount;
import dev.slipway.operator.testing.RealBuilderCluster;
import dev.slipway.testing.HostToolsImage;
import dev.slipway.testing.SshKey;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A GitOps BuildRequest whose Dockerfile uses {@code RUN --mount=type=ssh}: the operator serves the
 * private key of a kubernetes.io/ssh-auth Secret over its session, the real builder process loads
 * it into an ssh-agent of the build's own, and the step sees the key in that agent. The key never
 * shows in the builder's log; a Secret without the named key is refused before scheduling.
 *
 * <p>Needs what {@link GitContextBuildIT} needs, plus ssh-agent/ssh-add; the base image with this
 * machine's ssh-add is pushed to the registry on 127.0.0.1:5000 by {@link HostToolsImage}.
 */
@EnableKubernetesMockClient(crud = true)
class SshSecretBuildIT {

  static KubernetesClient client;

  @TempDir static Path work;
  private static RealBuilderCluster cluster;
  private static String privateKey;
  private static String appUrl;

  @BeforeAll
  static void startTheClusterTheRepositoryAndTheSecret() throws Exception {
    String base = HostToolsImage.ensure("ssh-add");
    cluster = RealBuilderCluster.start(client, "gitops-ssh", work);
    SshKey key =
        SshKey.generate(Files.createDirectories(work.resolve("keys")).resolve("deploy"), "ci");
    privateKey = Files.readString(key.file());
    appUrl =
        cluster
            .git()
            .publish(
                "app",
                Map.of(
                    "Dockerfile",
                    "FROM "
                        + base
                        + "\n"
                        // Succeeds only when the agent the step sees holds the Secret's key.
                        + "RUN --mount=type=ssh ssh-add -l > /keys && grep -F '"
                        + key.fingerprint()
                        + "' /keys\n"));
    cluster.createSecret(
        "deploy-key", "kubernetes.io/ssh-auth", Map.of("ssh-privatekey", privateKey));
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aRunStepUsesAnAgentHoldingTheSecretsKey() throws Exception {
    cluster.createRequest(
        "app",
        spec -> {
          spec.getContext().getGit().setUrl(appUrl);
          spec.getOutputs().get(0).setPush(false);
          spec.setSsh(List.of(ssh("default", "ssh-privatekey")));
        });

    BuildRequest done = cluster.awaitEnd("app");
    assertThat(done.getStatus().getPhase())
        .as("%s%nbuilder log:%n%s", done.getStatus().getMessage(), cluster.builderLog())
        .isEqualTo(BuildPhase.SUCCEEDED);
    assertThat(done.getStatus().getSteps().getDone())
        .isEqualTo(done.getStatus().getSteps().getTotal())
        .isPositive();
    String log = cluster.builderLog();
    assertThat(log)
        .as("the builder ran the step")
        .contains("build " + done.getStatus().getBuildId());
    for (String line : privateKey.lines().filter(l -> !l.startsWith("-----")).toList()) {
      assertThat(log).as("the private key is in no builder log").doesNotContain(line);
    }
  }

  @Test
  void aSecretWithoutTheNamedKeyIsRefusedNamingTheField() {
    cluster.createRequest(
        "wrong-key",
        spec -> {
          spec.getContext().getGit().setUrl(appUrl);
          spec.getOutputs().get(0).setPush(false);
          spec.setSsh(List.of(ssh("default", "id_ed25519")));
        });

    BuildRequest refused = awaitRefusal("wrong-key");
    assertThat(refused.getStatus().getPhase()).isEqualTo(BuildPhase.PENDING);
    assertThat(refused.getStatus().getMessage())
        .isEqualTo(
            "spec.ssh[0].secretRef: Secret \"deploy-key\" has no key \"id_ed25519\"; add the key"
                + " or fix spec.ssh[0].secretRef.key");
  }

  @Test
  void anSshGitUrlNeedsTheSecretsSshPrivatekey() {
    cluster.createSecret("https-token", null, Map.of("password", "not a key"));
    cluster.createRequest(
        "ssh-url",
        spec -> {
          spec.getContext().getGit().setUrl("git@127.0.0.1:team/app.git");
          spec.getContext().getGit().setSecretName("https-token");
          spec.getOutputs().get(0).setPush(false);
        });

    assertThat(awaitRefusal("ssh-url").getStatus().getMessage())
        .startsWith(
            "spec.context.git.secretName: Secret \"https-token\" has no key \"ssh-privatekey\"")
        .contains("--type=kubernetes.io/ssh-auth --from-file=ssh-privatekey=KEY")
        .doesNotContain("not a key");
  }

  private static SshMount ssh(String id, String secretKey) {
    SshMount mount = new SshMount();
    mount.setId(id);
    mount.setSecretRef(new SecretKeySelector(secretKey, "deploy-key", false));
    return mount;
  }

  /** Waits for the operator to refuse request {@code name}: a message in its status. */
  private static BuildRequest awaitRefusal(String name) {
    await(
        "the request to be refused",
        Duration.ofSeconds(60),
        () ->
            cluster.request(name).getStatus() != null
                && cluster.request(name).getStatus().getMessage() != null);
    return cluster.request(name);
  }
}
