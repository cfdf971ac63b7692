package dev.slipway.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.SecretMount;
import dev.slipway.operator.testing.RealBuilderCluster;
import dev.slipway.testing.Busybox;
import dev.slipway.testing.Command;
import dev.slipway.testing.GitDaemon;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's reconcilers against a real builder process on loopback (the fabric8 mock server in
 * CRUD mode stands in for the API server): a GitOps BuildRequest for a repository on a real {@code
 * git daemon}, whose Dockerfile mounts a secret that the operator reads from a Kubernetes Secret
 * and serves over its own session, ends Succeeded with the image pushed to the registry on
 * 127.0.0.1:5000 and its digest in the status.
 *
 * <p>Needs what the engine's tests need (root, an OCI runtime, 127.0.0.1:5000/busybox:latest), git,
 * skopeo, and builder-pod's packaged jar, which a reactor build makes before this module's
 * integration tests.
 */
@EnableKubernetesMockClient(crud = true)
class GitContextBuildIT {

  private static final String SECRET = "api-token-" + UUID.randomUUID();
  static KubernetesClient client;

  @TempDir static Path work;
  private static RealBuilderCluster cluster;
  private static String appUrl;
  private static String brokenUrl;

  @BeforeAll
  static void startTheClusterAndTheRepositories() throws Exception {
    cluster = RealBuilderCluster.start(client, "gitops", work);
    GitDaemon git = cluster.git();
    appUrl =
        git.publish(
            "app",
            Map.of(
                "Dockerfile",
                "FROM "
                    + Busybox.IN_REGISTRY
                    + "\n"
                    + "COPY greeting.txt /greeting.txt\n"
                    // Succeeds only with the Secret's value, which is compared without being
                    // written.
                    + "RUN --mount=type=secret,id=api-token echo \""
                    + sha256(SECRET)
                    + "  /run/secrets/api-token\" | sha256sum -c - && cp /greeting.txt /checked.txt\n",
                "greeting.txt",
                "built from git by the operator\n"));
    brokenUrl =
        git.publish(
            "broken",
            Map.of(
                "Dockerfile",
                "FROM " + Busybox.IN_REGISTRY + "\nRUN echo about to fail && exit 7\n"));
    cluster.createSecret("build-secrets", null, Map.of("api-token", SECRET));
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aGitContextWithAClusterSecretIsBuiltAndPushed() throws Exception {
    String image = "127.0.0.1:5000/slipway-operator-it/app-" + System.nanoTime() + ":v1";
    cluster.createRequest(
        "app",
        spec -> {
          spec.getContext().getGit().setUrl(appUrl);
          spec.getContext().getGit().setRef("main");
          spec.getOutputs().get(0).setNames(List.of(image));
          SecretMount mount = new SecretMount();
          mount.setId("api-token");
          mount.setSecretKeyRef(new SecretKeySelector("api-token", "build-secrets", false));
          spec.setSecrets(List.of(mount));
        });

    BuildRequest done = cluster.awaitEnd("app");
    assertThat(done.getStatus().getPhase())
        .as("%s%nbuilder log:%n%s", done.getStatus().getMessage(), cluster.builderLog())
        .isEqualTo(BuildPhase.SUCCEEDED);
    assertThat(done.getStatus().getBuilderPod()).isEqualTo("real-0");
    assertThat(done.getStatus().getResult().getDigest())
        .as("the digest the registry serves for " + image)
        .isEqualTo(registryDigest(image));
    assertThat(done.getStatus().getResult().getRefs())
        .contains(image + "@" + done.getStatus().getResult().getDigest());
    assertThat(done.getStatus().getSteps().getDone())
        .isEqualTo(done.getStatus().getSteps().getTotal())
        .isPositive();
    assertThat(cluster.builderLog()).as("the secret's value is in no log").doesNotContain(SECRET);
  }

  @Test
  void aFailedRunFailsTheRequestWithTheStepsError() throws Exception {
    cluster.createRequest(
        "broken",
        spec -> {
          spec.getContext().getGit().setUrl(brokenUrl);
          spec.getOutputs().get(0).setPush(false);
        });

    BuildRequest done = cluster.awaitEnd("broken");
    assertThat(done.getStatus().getPhase())
        .as("%s%nbuilder log:%n%s", done.getStatus().getMessage(), cluster.builderLog())
        .isEqualTo(BuildPhase.FAILED);
    assertThat(done.getStatus().getMessage()).contains("exit code: 7", "(Dockerfile:2)");
  }

  /** The manifest digest that {@code skopeo inspect} reports for an image in the registry. */
  private static String registryDigest(String image) throws Exception {
    String json =
        Command.of("skopeo", "inspect", "--tls-verify=false", "docker://" + image).output();
    return new ObjectMapper().readTree(json).path("Digest").asText();
  }

  private static String sha256(String value) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
  }
}
