package dev.slipway.operator.build;

import static dev.slipway.operator.testing.OperatorHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.SshMount;
import dev.slipway.operator.testing.LoopbackBuilderChannels;
import dev.slipway.operator.testing.LoopbackBuilderPods;
import dev.slipway.operator.testing.OperatorHarness;
import dev.slipway.testing.BuilderProcess;
import dev.slipway.testing.GitDaemon;
import dev.slipway.testing.SshKey;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
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
 * <p>Needs what {@link GitContextBuildIT} needs, plus ssh-agent/ssh-add and the base image with
 * openssh-client in the registry on 127.0.0.1:5000 (deploy/images/build-base.sh prints its name).
 */
@EnableKubernetesMockClient(crud = true)
class SshSecretBuildIT {

  private static final Path REPO = Path.of(System.getProperty("slipway.root", "..")).normalize();
  private static final String NAMESPACE = "gitops-ssh";
  private static final String BASE = "127.0.0.1:5000/slipway/jre-base:bookworm-jdk25.0.3-r1";
  static KubernetesClient client;

  @TempDir static Path work;
  private static GitDaemon git;
  private static SshKey key;
  private static String privateKey;
  private static String appUrl;
  private static OperatorHarness<BuilderProcess> cluster;

  @BeforeAll
  static void startTheClusterTheRepositoryAndTheSecret() throws Exception {
    assertThat(REPO.resolve("builder-pod/target/slipway-builder.jar"))
        .as("the packaged builder; run this test in a reactor build that packages builder-pod")
        .isRegularFile();
    key = SshKey.generate(Files.createDirectories(work.resolve("keys")).resolve("deploy"), "ci");
    privateKey = Files.readString(key.file());
    git = GitDaemon.start(work.resolve("git"));
    appUrl =
        git.publish(
            "app",
            Map.of(
                "Dockerfile",
                "FROM "
                    + BASE
                    + "\n"
                    // Succeeds only when the agent the step sees holds the Secret's key.
                    + "RUN --mount=type=ssh ssh-add -l > /keys && grep -F '"
                    + key.fingerprint()
                    + "' /keys\n"));

    LoopbackBuilderChannels channels = new LoopbackBuilderChannels();
    Path pods = Files.createDirectories(work.resolve("pods"));
    cluster =
        new OperatorHarness<>(
            client,
            NAMESPACE,
            channels,
            new LoopbackBuilderPods(client, NAMESPACE, REPO, pods, channels));
    cluster.createBuilder("real", 1, 1);
    await(
        "the builder process to be ready in the Builder's status",
        Duration.ofSeconds(120),
        () ->
            cluster.builder("real").getStatus() != null
                && Integer.valueOf(1)
                    .equals(cluster.builder("real").getStatus().getReadyReplicas()));
    client
        .secrets()
        .inNamespace(NAMESPACE)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("deploy-key")
                .endMetadata()
                .withType("kubernetes.io/ssh-auth")
                .addToData(
                    "ssh-privatekey",
                    Base64.getEncoder().encodeToString(privateKey.getBytes(StandardCharsets.UTF_8)))
                .build())
        .create();
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    if (git != null) {
      git.close();
    }
  }

  @Test
  void aRunStepUsesAnAgentHoldingTheSecretsKey() throws Exception {
    cluster.createRequest(
        "app",
        "real",
        0,
        spec -> {
          spec.getContext().getGit().setUrl(appUrl);
          spec.setBuildArgs(null);
          spec.getOutputs().get(0).setPush(false);
          spec.setSsh(List.of(ssh("default", "ssh-privatekey")));
        });

    BuildRequest done = awaitEnd("app");
    assertThat(done.getStatus().getPhase())
        .as("%s%nbuilder log:%n%s", done.getStatus().getMessage(), builderLog())
        .isEqualTo(BuildPhase.SUCCEEDED);
    assertThat(done.getStatus().getSteps().getDone())
        .isEqualTo(done.getStatus().getSteps().getTotal())
        .isPositive();
    String log = builderLog();
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
        "real",
        0,
        spec -> {
          spec.getContext().getGit().setUrl(appUrl);
          spec.setBuildArgs(null);
          spec.getOutputs().get(0).setPush(false);
          spec.setSsh(List.of(ssh("default", "id_ed25519")));
        });

    await(
        "the request to be refused",
        Duration.ofSeconds(60),
        () ->
            cluster.request("wrong-key").getStatus() != null
                && cluster.request("wrong-key").getStatus().getMessage() != null);
    BuildRequest refused = cluster.request("wrong-key");
    assertThat(refused.getStatus().getPhase()).isEqualTo(BuildPhase.PENDING);
    assertThat(refused.getStatus().getMessage())
        .isEqualTo(
            "spec.ssh[0].secretRef: Secret \"deploy-key\" has no key \"id_ed25519\"; add the key"
                + " or fix spec.ssh[0].secretRef.key");
  }

  @Test
  void anSshGitUrlNeedsTheSecretsSshPrivatekey() {
    client
        .secrets()
        .inNamespace(NAMESPACE)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("https-token")
                .endMetadata()
                .addToStringData("password", "not a key")
                .build())
        .create();
    cluster.createRequest(
        "ssh-url",
        "real",
        0,
        spec -> {
          spec.getContext().getGit().setUrl("git@127.0.0.1:team/app.git");
          spec.getContext().getGit().setSecretName("https-token");
          spec.setBuildArgs(null);
          spec.getOutputs().get(0).setPush(false);
        });

    await(
        "the request to be refused",
        Duration.ofSeconds(60),
        () ->
            cluster.request("ssh-url").getStatus() != null
                && cluster.request("ssh-url").getStatus().getMessage() != null);
    assertThat(cluster.request("ssh-url").getStatus().getMessage())
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

  private static BuildRequest awaitEnd(String name) {
    await(
        name + " to end",
        Duration.ofMinutes(5),
        () -> cluster.phase(name) != null && cluster.phase(name).isFinal());
    return cluster.request(name);
  }

  private static String builderLog() throws IOException {
    return cluster.pods.pod("real-0").log();
  }
}
