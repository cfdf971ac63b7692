package dev.slipway.e2e.journeys;

import static dev.slipway.e2e.SlipwayInstallation.BUILDER;
import static dev.slipway.e2e.journeys.BuildsNamespace.NAMESPACE;
import static dev.slipway.e2e.journeys.BuildsNamespace.NONCE;
import static dev.slipway.e2e.journeys.BuildsNamespace.REGISTRY;
import static dev.slipway.e2e.journeys.BuildsNamespace.describe;
import static dev.slipway.e2e.journeys.BuildsNamespace.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.e2e.LoopbackCluster;
import dev.slipway.e2e.SlipwayInstallation;
import dev.slipway.testing.Busybox;
import dev.slipway.testing.GitDaemon;
import dev.slipway.testing.SshKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * A GitOps pipeline's journeys: BuildRequests that build a git repository, with the cluster's
 * Secrets as build secrets and as an ssh-agent's key.
 */
final class GitOpsJourneys {
  private final LoopbackCluster cluster;
  private final BuildsNamespace builds;
  private final GitDaemon git;
  private final Path work;

  GitOpsJourneys(LoopbackCluster cluster, BuildsNamespace builds, GitDaemon git, Path work) {
    this.cluster = cluster;
    this.builds = builds;
    this.git = git;
    this.work = work;
  }

  void aGitOpsBuildWithAClusterSecretIsPushedAndRuns() throws Exception {
    String secret = "token-" + UUID.randomUUID();
    String url =
        git.publish(
            "app",
            Map.of(
                "Dockerfile",
                "FROM "
                    + Busybox.IN_REGISTRY
                    + "\n"
                    + "COPY greeting.txt /greeting.txt\n"
                    + "ARG NONCE\n"
                    // Passes only with the Secret's value, compared without being written out.
                    + "RUN --mount=type=secret,id=api-token,required=true test \"$(sha256sum"
                    + " /run/secrets/api-token | cut -c1-64)\" = "
                    + sha256(secret)
                    + " && cp /greeting.txt /checked.txt && echo $NONCE >> /checked.txt\n"
                    + "CMD [\"cat\", \"/checked.txt\"]\n",
                "greeting.txt",
                "built from git on a real cluster\n"));
    builds.putSecret("build-secrets", null, Map.of("api-token", secret));
    String image = REGISTRY + "/e2e/app:" + NONCE;
    builds.apply(
        """
        apiVersion: slipway.dev/v1alpha1
        kind: BuildRequest
        metadata:
          name: app
          namespace: %s
        spec:
          builderRef:
            name: %s
          context:
            git:
              url: %s
              ref: main
          buildArgs:
            NONCE: "%s"
          secrets:
            - id: api-token
              secretKeyRef:
                name: build-secrets
                key: api-token
          outputs:
            - type: image
              names: ["%s"]
              push: true
        """
            .formatted(NAMESPACE, BUILDER, url, NONCE, image));

    BuildRequest done = builds.awaitEnd("app");
    assertThat(done.getStatus().getPhase()).as(describe(done)).isEqualTo(BuildPhase.SUCCEEDED);
    String digest = builds.registryDigest(image);
    assertThat(done.getStatus().getResult().getDigest()).isEqualTo(digest);

    cluster.ctr("images", "pull", "--plain-http", image).requireSuccess();
    String log = builds.runPod("app-run", image);
    assertThat(log).isEqualTo("built from git on a real cluster\n" + NONCE + "\n");
    assertThat(builds.builderLog()).as("the secret's value is in no log").doesNotContain(secret);
    assertThat(builds.operatorLog()).as("the secret's value is in no log").doesNotContain(secret);
  }

  void aGitOpsBuildGetsAnSshAgentWithTheKeyOfASecret() throws Exception {
    SshKey key =
        SshKey.generate(
            Files.createDirectories(work.resolve("deploy-key")).resolve("id_ed25519"),
            "deploy-key");
    builds.putSecret(
        "deploy-key",
        "kubernetes.io/ssh-auth",
        Map.of("ssh-privatekey", Files.readString(key.file())));
    String url =
        git.publish(
            "uses-ssh",
            Map.of(
                "Dockerfile",
                "FROM "
                    + SlipwayInstallation.baseImage()
                    + "\nARG NONCE\n"
                    + "RUN --mount=type=ssh ssh-add -l | grep -F "
                    + key.fingerprint()
                    + " && echo $NONCE\n"));
    builds.apply(
        builds
            .buildRequest("uses-ssh", url, 0)
            .replace(
                "  retries: 0\n",
                "  retries: 0\n  ssh:\n    - id: default\n      secretRef: {name: deploy-key,"
                    + " key: ssh-privatekey}\n"));

    BuildRequest done = builds.awaitEnd("uses-ssh");
    assertThat(done.getStatus().getPhase())
        .as("the RUN step listed the Secret's key in its agent; " + describe(done))
        .isEqualTo(BuildPhase.SUCCEEDED);
    String privateKeyBody = Files.readAllLines(key.file()).get(1);
    assertThat(builds.builderLog() + builds.operatorLog())
        .as("the private key is in no log")
        .doesNotContain(privateKeyBody);
  }
}
