package dev.slipway.e2e.journeys;

import static dev.slipway.e2e.SlipwayInstallation.BUILDER;
import static dev.slipway.e2e.SlipwayInstallation.SYSTEM_NAMESPACE;
import static dev.slipway.e2e.journeys.BuildsNamespace.BUILD_TIMEOUT;
import static dev.slipway.e2e.journeys.BuildsNamespace.NAMESPACE;
import static dev.slipway.e2e.journeys.BuildsNamespace.NONCE;
import static dev.slipway.e2e.journeys.BuildsNamespace.REGISTRY;
import static dev.slipway.e2e.journeys.BuildsNamespace.describe;
import static dev.slipway.e2e.journeys.BuildsNamespace.sha256;
import static dev.slipway.e2e.journeys.BuildsNamespace.slowDockerfile;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.Builder;
import dev.slipway.e2e.Await;
import dev.slipway.e2e.LoopbackCluster;
import dev.slipway.e2e.SlipwayInstallation;
import dev.slipway.testing.Busybox;
import dev.slipway.testing.Command;
import dev.slipway.testing.GitDaemon;
import dev.slipway.testing.SshAgent;
import dev.slipway.testing.SshKey;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The users' journeys on a real Kubernetes (e2e/cluster/ on loopback): a platform team installs
 * Slipway with Helm and creates a Builder; a GitOps pipeline applies BuildRequests; a developer
 * runs {@code slipway build} from a directory; pods and the operator die mid-build; bad specs are
 * refused; builds are cancelled. In order, since each journey starts where the first one leaves the
 * cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JourneysIT {

  /** Contexts, repositories, outputs: kept under target/ for whoever reads a red run. */
  private Path work;

  private LoopbackCluster cluster;
  private KubernetesClient client;
  private BuildsNamespace builds;
  private GitDaemon git;

  @BeforeAll
  void bringUpTheClusterWithSlipwaysImages() throws Exception {
    work = Files.createDirectories(LoopbackCluster.ROOT.resolve("e2e/target/e2e-work/" + NONCE));
    cluster = LoopbackCluster.up();
    client = cluster.client();
    builds = new BuildsNamespace(cluster, work);
    SlipwayInstallation.importImages(cluster, work);
    git = GitDaemon.start(work.resolve("git"));
  }

  @AfterAll
  void tearDown() throws Exception {
    try {
      if (builds != null) {
        builds.saveLogs();
      }
    } finally {
      if (git != null) {
        git.close();
      }
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  @Test
  @Order(10)
  void helmInstallThenABuilderComesUp() {
    cluster
        .apply("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + NAMESPACE + "\n")
        .requireSuccess();
    SlipwayInstallation.helmInstall(cluster).requireSuccess();
    Await.until(
        "the operator Deployment to be available",
        Duration.ofMinutes(3),
        () ->
            client
                .apps()
                .deployments()
                .inNamespace(SYSTEM_NAMESPACE)
                .withName("slipway-operator")
                .get(),
        d ->
            d.getStatus() != null
                && Integer.valueOf(1).equals(d.getStatus().getAvailableReplicas()));

    cluster
        .apply(
            SlipwayInstallation.cacheVolumes(LoopbackCluster.STATE.toString(), 1)
                + "---\n"
                + SlipwayInstallation.builder(NAMESPACE))
        .requireSuccess();
    Builder ready = builds.awaitBuilderReady();
    Pod pod = client.pods().inNamespace(NAMESPACE).withName(BUILDER + "-0").get();
    assertThat(pod.getSpec().getHostNetwork()).isTrue();
    assertThat(ready.getStatus().getPods())
        .singleElement()
        .satisfies(
            p ->
                assertThat(p.getEndpoint())
                    .isEqualTo("127.0.0.1:" + SlipwayInstallation.BUILDER_PORT));
  }

  @Test
  @Order(20)
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

  @Test
  @Order(21)
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

  @Test
  @Order(30)
  void slipwayBuildFromALocalDirectoryThroughTheCluster() throws Exception {
    Path context = Files.createDirectories(work.resolve("cli-context"));
    String secret = "cli-secret-" + UUID.randomUUID();
    Path secretFile = Files.writeString(work.resolve("token.txt"), secret);
    Files.writeString(context.resolve("app.txt"), "from the developer's machine\n");
    // Never read by the Dockerfile: a lazy context leaves it on this machine.
    byte[] unused = new byte[32 << 20];
    new Random(1).nextBytes(unused);
    Files.write(context.resolve("unused.bin"), unused);
    Files.writeString(
        context.resolve("Dockerfile"),
        "FROM "
            // The base of Slipway's own images has ssh-add.
            + SlipwayInstallation.baseImage()
            + "\nCOPY app.txt /app.txt\n"
            + "ARG NONCE\n"
            + "RUN --mount=type=secret,id=token,required=true --mount=type=ssh"
            + " test \"$(sha256sum /run/secrets/token | cut -c1-64)\" = "
            + sha256(secret)
            + " && ssh-add -l > /agent-keys.txt && echo $NONCE > /nonce\n");
    SshAgent agent = SshAgent.start(work.resolve("ssh"), "e2e");
    String image = REGISTRY + "/e2e/cli:" + NONCE;
    Path out = work.resolve("cli-out");

    Command.Result build =
        builds.slipway(
            Map.of("SSH_AUTH_SOCK", agent.socket().toString()),
            BUILD_TIMEOUT,
            BuildsNamespace.build(
                "--secret",
                "id=token,src=" + secretFile,
                "--ssh",
                "default",
                "-o",
                "type=registry,name=" + image,
                "-o",
                "type=local,dest=" + out,
                context.toString()));
    try {
      build.requireSuccess();
      String progress = build.stderr() + build.stdout();
      assertThat(progress)
          .as("plain progress of every step")
          .contains(
              // like buildx: the only stage goes unnamed and ARG is no step
              "[2/3] COPY app.txt /app.txt",
              "[3/3] RUN --mount=type=secret,id=token,required=true --mount=type=ssh test ",
              "DONE",
              "pushing " + image)
          .doesNotContain("WARNING");
      Matcher transferred = Pattern.compile("transferring context: (\\d+)B").matcher(progress);
      assertThat(transferred.find()).as("the context transfer in the progress").isTrue();
      assertThat(Long.parseLong(transferred.group(1)))
          .as("bytes of context sent: app.txt and the Dockerfile, not the 32 MiB unused.bin")
          .isLessThan(4096);
      assertThat(Files.readString(out.resolve("agent-keys.txt")))
          .contains(agent.key().fingerprint());
      assertThat(Files.readString(out.resolve("app.txt")))
          .isEqualTo("from the developer's machine\n");
      assertThat(out.resolve("unused.bin")).doesNotExist();
      assertThat(builds.registryDigest(image)).startsWith("sha256:");
      assertThat(build.stderr() + build.stdout() + builds.builderLog())
          .as("the secret's value is in no output or log")
          .doesNotContain(secret);
    } finally {
      agent.close();
    }
  }

  @Test
  @Order(40)
  void aBuilderPodDeletedMidBuildIsRetriedOrFailsWithAReason() throws Exception {
    String url = git.publish("slow", Map.of("Dockerfile", slowDockerfile("slow", 20)));
    builds.apply(builds.buildRequest("retried", url, 1));
    builds.awaitRunning("retried");
    builds.deleteBuilderPod();
    BuildRequest retried = builds.awaitEnd("retried");
    assertThat(retried.getStatus().getPhase())
        .as(describe(retried))
        .isEqualTo(BuildPhase.SUCCEEDED);
    assertThat(retried.getStatus().getAttempts()).isEqualTo(2);

    builds.awaitBuilderReady();
    builds.apply(builds.buildRequest("no-retries", url, 0));
    builds.awaitRunning("no-retries");
    builds.deleteBuilderPod();
    BuildRequest failed = builds.awaitEnd("no-retries");
    assertThat(failed.getStatus().getPhase()).as(describe(failed)).isEqualTo(BuildPhase.FAILED);
    assertThat(failed.getStatus().getMessage()).contains(BUILDER + "-0");
    builds.awaitBuilderReady();
  }

  @Test
  @Order(41)
  void aCliBuildFollowsTheRetryWhenItsBuilderPodIsDeleted() throws Exception {
    Path context = Files.createDirectories(work.resolve("cli-retry"));
    Files.writeString(context.resolve("Dockerfile"), slowDockerfile("cli-retry", 15));
    Path log = work.resolve("cli-retry.log");
    Process build =
        builds.startSlipway(
            log,
            BuildsNamespace.build(
                "-o", "type=local,dest=" + work.resolve("cli-retry-out"), context.toString()));
    try {
      builds.awaitStepProcess("cli-retry");
      builds.deleteBuilderPod();
      assertThat(build.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
          .as("the CLI ends")
          .isTrue();
    } finally {
      build.destroyForcibly();
    }
    String output = Files.readString(log);
    assertThat(build.exitValue()).as(output).isZero();
    assertThat(output).contains("the operator retries: attempt 2 of");
    assertThat(Files.readString(work.resolve("cli-retry-out/out")))
        .isEqualTo("cli-retry-" + NONCE + "\n");
    builds.awaitBuilderReady();
  }

  @Test
  @Order(50)
  void theOperatorDeletedMidBuildIsReplacedAndTheBuildRunsOnce() throws Exception {
    String url = git.publish("slow-op", Map.of("Dockerfile", slowDockerfile("slow-op", 25)));
    builds.apply(builds.buildRequest("survivor", url, 0));
    BuildRequest running = builds.awaitRunning("survivor");
    String buildId = running.getStatus().getBuildId();
    List<String> operators =
        client
            .pods()
            .inNamespace(SYSTEM_NAMESPACE)
            .withLabel("app.kubernetes.io/name", "slipway")
            .list()
            .getItems()
            .stream()
            .map(p -> p.getMetadata().getName())
            .toList();
    assertThat(operators).isNotEmpty();
    List<String> delete =
        new ArrayList<>(List.of("delete", "pod", "-n", SYSTEM_NAMESPACE, "--wait=false"));
    delete.addAll(operators);
    cluster.kubectl(delete.toArray(String[]::new)).requireSuccess();

    BuildRequest done = builds.awaitEnd("survivor");
    assertThat(done.getStatus().getPhase()).as(describe(done)).isEqualTo(BuildPhase.SUCCEEDED);
    assertThat(done.getStatus().getBuildId()).isEqualTo(buildId);
    assertThat(done.getStatus().getAttempts()).isEqualTo(1);
    List<String> started =
        builds.builderLog().lines().filter(l -> l.matches(".*build \\S+ started.*")).toList();
    assertThat(started.stream().filter(l -> l.contains("build " + buildId + " started")))
        .as("the build started once on the builder")
        .hasSize(1);
    assertThat(started.getLast())
        .as("no build was started after it (a duplicate would be)")
        .contains(buildId);
  }

  @Test
  @Order(60)
  void aBadSpecIsRefusedAtApplyWithTheSchemasMessage() {
    Command.Result twoSources =
        cluster.apply(
            """
            apiVersion: slipway.dev/v1alpha1
            kind: BuildRequest
            metadata:
              name: two-sources
              namespace: %s
            spec:
              builderRef: {name: %s}
              context:
                git: {url: "git://127.0.0.1/x.git"}
                http: {url: "http://127.0.0.1/x.tar"}
              outputs: [{type: image, names: ["127.0.0.1:5000/x:y"]}]
            """
                .formatted(NAMESPACE, BUILDER));
    assertThat(twoSources.exitCode()).isNotZero();
    assertThat(twoSources.stderr())
        .contains(
            "The BuildRequest \"two-sources\" is invalid",
            "context needs exactly one source: git, http, configMap, image or client");

    Command.Result noOutputs =
        cluster.apply(
            """
            apiVersion: slipway.dev/v1alpha1
            kind: BuildRequest
            metadata:
              name: no-outputs
              namespace: %s
            spec:
              builderRef: {name: %s}
              context:
                git: {url: "git://127.0.0.1/x.git"}
            """
                .formatted(NAMESPACE, BUILDER));
    assertThat(noOutputs.exitCode()).isNotZero();
    assertThat(noOutputs.stderr()).contains("spec.outputs");
    assertThat(builds.request("two-sources")).isNull();
  }

  @Test
  @Order(70)
  void cancellingStopsTheRemoteBuild() throws Exception {
    String url = git.publish("endless", Map.of("Dockerfile", slowDockerfile("endless", 600)));
    builds.apply(builds.buildRequest("cancel-cli", url, 0));
    builds.awaitRunning("cancel-cli");
    builds.awaitStepProcess("endless");
    builds
        .slipway(Map.of(), Duration.ofMinutes(1), "cancel", "-n", NAMESPACE, "cancel-cli")
        .requireSuccess();
    BuildRequest cancelled = builds.awaitEnd("cancel-cli");
    assertThat(cancelled.getStatus().getPhase())
        .as(describe(cancelled))
        .isEqualTo(BuildPhase.CANCELLED);
    builds.awaitNoStepProcess("endless");

    builds.apply(builds.buildRequest("cancel-delete", url, 0));
    builds.awaitRunning("cancel-delete");
    builds.awaitStepProcess("endless");
    cluster
        .kubectl(
            "delete",
            "buildrequest",
            "-n",
            NAMESPACE,
            "cancel-delete",
            "--wait=true",
            "--timeout=60s")
        .requireSuccess();
    builds.awaitNoStepProcess("endless");
  }
}
