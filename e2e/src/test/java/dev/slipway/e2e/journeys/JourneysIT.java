package dev.slipway.e2e.journeys;

import static dev.slipway.e2e.SlipwayInstallation.BUILDER;
import static dev.slipway.e2e.SlipwayInstallation.SYSTEM_NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.Builder;
import dev.slipway.e2e.Await;
import dev.slipway.e2e.Commands;
import dev.slipway.e2e.LoopbackCluster;
import dev.slipway.e2e.SlipwayInstallation;
import dev.slipway.testing.GitDaemon;
import dev.slipway.testing.SshAgent;
import dev.slipway.testing.SshKey;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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

  private static final String NAMESPACE = "builds";
  private static final String REGISTRY = "127.0.0.1:5000";
  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);

  /** Makes every run's steps new to a builder cache that outlived an earlier run. */
  private static final String NONCE = UUID.randomUUID().toString().substring(0, 8);

  /** Contexts, repositories, outputs: kept under target/ for whoever reads a red run. */
  private Path work;

  private LoopbackCluster cluster;
  private KubernetesClient client;
  private GitDaemon git;
  private final List<String> diagnostics = new ArrayList<>();

  @BeforeAll
  void bringUpTheClusterWithSlipwaysImages() throws Exception {
    work = Files.createDirectories(LoopbackCluster.ROOT.resolve("e2e/target/e2e-work/" + NONCE));
    cluster = LoopbackCluster.up();
    client = cluster.client();
    SlipwayInstallation.importImages(cluster, work);
    git = GitDaemon.start(work.resolve("git"));
  }

  @AfterAll
  void tearDown() throws Exception {
    try {
      saveLogs();
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
            SlipwayInstallation.cacheVolumes(stateDir(), 1)
                + "---\n"
                + SlipwayInstallation.builder(NAMESPACE))
        .requireSuccess();
    Builder ready =
        Await.until(
            "Builder " + BUILDER + " to report one ready pod",
            Duration.ofMinutes(3),
            () -> client.resources(Builder.class).inNamespace(NAMESPACE).withName(BUILDER).get(),
            b ->
                b.getStatus() != null
                    && Integer.valueOf(1).equals(b.getStatus().getReadyReplicas()));
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
                "FROM 127.0.0.1:5000/busybox:latest\n"
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
    client
        .secrets()
        .inNamespace(NAMESPACE)
        .resource(
            new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata()
                .withName("build-secrets")
                .endMetadata()
                .addToStringData("api-token", secret)
                .build())
        .createOr(r -> r.update());
    String image = REGISTRY + "/e2e/app:" + NONCE;
    cluster
        .apply(
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
                .formatted(NAMESPACE, BUILDER, url, NONCE, image))
        .requireSuccess();

    BuildRequest done = awaitEnd("app");
    assertThat(done.getStatus().getPhase()).as(describe(done)).isEqualTo(BuildPhase.SUCCEEDED);
    String digest = registryDigest(image);
    assertThat(done.getStatus().getResult().getDigest()).isEqualTo(digest);

    cluster.ctr("images", "pull", "--plain-http", image).requireSuccess();
    String log = runPod("app-run", image);
    assertThat(log).isEqualTo("built from git on a real cluster\n" + NONCE + "\n");
    assertThat(builderLog()).as("the secret's value is in no log").doesNotContain(secret);
    assertThat(operatorLog()).as("the secret's value is in no log").doesNotContain(secret);
  }

  @Test
  @Order(21)
  void aGitOpsBuildGetsAnSshAgentWithTheKeyOfASecret() throws Exception {
    SshKey key =
        SshKey.generate(
            Files.createDirectories(work.resolve("deploy-key")).resolve("id_ed25519"),
            "deploy-key");
    client
        .secrets()
        .inNamespace(NAMESPACE)
        .resource(
            new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata()
                .withName("deploy-key")
                .endMetadata()
                .withType("kubernetes.io/ssh-auth")
                .addToStringData("ssh-privatekey", Files.readString(key.file()))
                .build())
        .createOr(r -> r.update());
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
    apply(
        buildRequest("uses-ssh", url, 0)
            .replace(
                "  retries: 0\n",
                "  retries: 0\n  ssh:\n    - id: default\n      secretRef: {name: deploy-key,"
                    + " key: ssh-privatekey}\n"));

    BuildRequest done = awaitEnd("uses-ssh");
    assertThat(done.getStatus().getPhase())
        .as("the RUN step listed the Secret's key in its agent; " + describe(done))
        .isEqualTo(BuildPhase.SUCCEEDED);
    String privateKeyBody = Files.readAllLines(key.file()).get(1);
    assertThat(builderLog() + operatorLog())
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
    new java.util.Random(1).nextBytes(unused);
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

    Map<String, String> env = new java.util.HashMap<>(cluster.env());
    env.put("SSH_AUTH_SOCK", agent.socket().toString());
    Commands.Result build =
        Commands.run(
            List.of(
                LoopbackCluster.ROOT.resolve("bin/slipway").toString(),
                "build",
                "-n",
                NAMESPACE,
                "--builder",
                BUILDER,
                "--progress=plain",
                "--build-arg",
                "NONCE=" + NONCE,
                "--secret",
                "id=token,src=" + secretFile,
                "--ssh",
                "default",
                "-o",
                "type=registry,name=" + image,
                "-o",
                "type=local,dest=" + out,
                context.toString()),
            env,
            null,
            BUILD_TIMEOUT,
            work);
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
      var transferred =
          java.util.regex.Pattern.compile("transferring context: (\\d+)B").matcher(progress);
      assertThat(transferred.find()).as("the context transfer in the progress").isTrue();
      assertThat(Long.parseLong(transferred.group(1)))
          .as("bytes of context sent: app.txt and the Dockerfile, not the 32 MiB unused.bin")
          .isLessThan(4096);
      assertThat(Files.readString(out.resolve("agent-keys.txt")))
          .contains(agent.key().fingerprint());
      assertThat(Files.readString(out.resolve("app.txt")))
          .isEqualTo("from the developer's machine\n");
      assertThat(out.resolve("unused.bin")).doesNotExist();
      assertThat(registryDigest(image)).startsWith("sha256:");
      assertThat(build.stderr() + build.stdout() + builderLog())
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
    apply(buildRequest("retried", url, 1));
    awaitRunning("retried");
    deletePod(NAMESPACE, BUILDER + "-0");
    BuildRequest retried = awaitEnd("retried");
    assertThat(retried.getStatus().getPhase())
        .as(describe(retried))
        .isEqualTo(BuildPhase.SUCCEEDED);
    assertThat(retried.getStatus().getAttempts()).isEqualTo(2);

    awaitBuilderReady();
    apply(buildRequest("no-retries", url, 0));
    awaitRunning("no-retries");
    deletePod(NAMESPACE, BUILDER + "-0");
    BuildRequest failed = awaitEnd("no-retries");
    assertThat(failed.getStatus().getPhase()).as(describe(failed)).isEqualTo(BuildPhase.FAILED);
    assertThat(failed.getStatus().getMessage()).contains(BUILDER + "-0");
    awaitBuilderReady();
  }

  @Test
  @Order(41)
  void aCliBuildFollowsTheRetryWhenItsBuilderPodIsDeleted() throws Exception {
    Path context = Files.createDirectories(work.resolve("cli-retry"));
    Files.writeString(context.resolve("Dockerfile"), slowDockerfile("cli-retry", 15));
    Path log = work.resolve("cli-retry.log");
    ProcessBuilder cli =
        new ProcessBuilder(
                LoopbackCluster.ROOT.resolve("bin/slipway").toString(),
                "build",
                "-n",
                NAMESPACE,
                "--builder",
                BUILDER,
                "--progress=plain",
                "--build-arg",
                "NONCE=" + NONCE,
                "-o",
                "type=local,dest=" + work.resolve("cli-retry-out"),
                context.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    cli.environment().putAll(cluster.env());
    Process build = cli.start();
    try {
      awaitStepProcess("cli-retry");
      deletePod(NAMESPACE, BUILDER + "-0");
      assertThat(build.waitFor(BUILD_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS))
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
    awaitBuilderReady();
  }

  @Test
  @Order(50)
  void theOperatorDeletedMidBuildIsReplacedAndTheBuildRunsOnce() throws Exception {
    String url = git.publish("slow-op", Map.of("Dockerfile", slowDockerfile("slow-op", 25)));
    apply(buildRequest("survivor", url, 0));
    BuildRequest running = awaitRunning("survivor");
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

    BuildRequest done = awaitEnd("survivor");
    assertThat(done.getStatus().getPhase()).as(describe(done)).isEqualTo(BuildPhase.SUCCEEDED);
    assertThat(done.getStatus().getBuildId()).isEqualTo(buildId);
    assertThat(done.getStatus().getAttempts()).isEqualTo(1);
    List<String> started =
        builderLog().lines().filter(l -> l.matches(".*build \\S+ started.*")).toList();
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
    Commands.Result twoSources =
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

    Commands.Result noOutputs =
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
    assertThat(
            client
                .resources(BuildRequest.class)
                .inNamespace(NAMESPACE)
                .withName("two-sources")
                .get())
        .isNull();
  }

  @Test
  @Order(70)
  void cancellingStopsTheRemoteBuild() throws Exception {
    String url = git.publish("endless", Map.of("Dockerfile", slowDockerfile("endless", 600)));
    apply(buildRequest("cancel-cli", url, 0));
    awaitRunning("cancel-cli");
    awaitStepProcess("endless");
    Commands.run(
            List.of(
                LoopbackCluster.ROOT.resolve("bin/slipway").toString(),
                "cancel",
                "-n",
                NAMESPACE,
                "cancel-cli"),
            cluster.env(),
            null,
            Duration.ofMinutes(1),
            work)
        .requireSuccess();
    BuildRequest cancelled = awaitEnd("cancel-cli");
    assertThat(cancelled.getStatus().getPhase())
        .as(describe(cancelled))
        .isEqualTo(BuildPhase.CANCELLED);
    awaitNoStepProcess("endless");

    apply(buildRequest("cancel-delete", url, 0));
    awaitRunning("cancel-delete");
    awaitStepProcess("endless");
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
    awaitNoStepProcess("endless");
  }

  // --- building blocks ---

  private static String slowDockerfile(String marker, int seconds) {
    // The marker in the RUN step's command line finds its process on the node (host PID view).
    return "FROM 127.0.0.1:5000/busybox:latest\nARG NONCE\nRUN sh -c 'sleep "
        + seconds
        + "; echo "
        + marker
        + "-$NONCE' > /out\n";
  }

  private String buildRequest(String name, String url, int retries) {
    return """
        apiVersion: slipway.dev/v1alpha1
        kind: BuildRequest
        metadata:
          name: %s
          namespace: %s
        spec:
          builderRef: {name: %s}
          context:
            git: {url: "%s", ref: main}
          buildArgs: {NONCE: "%s-%s"}
          retries: %d
          outputs:
            - type: image
              names: ["%s/e2e/%s:%s"]
              push: false
        """
        .formatted(name, NAMESPACE, BUILDER, url, NONCE, name, retries, REGISTRY, name, NONCE);
  }

  private void apply(String manifest) {
    cluster.apply(manifest).requireSuccess();
  }

  private BuildRequest awaitRunning(String name) {
    return Await.until(
        name + " to run on the builder",
        Duration.ofMinutes(3),
        () -> request(name),
        r ->
            r.getStatus() != null
                && r.getStatus().getPhase() == BuildPhase.RUNNING
                && r.getStatus().getBuildId() != null);
  }

  private BuildRequest awaitEnd(String name) {
    return Await.until(
        name + " to end",
        BUILD_TIMEOUT,
        () -> request(name),
        r ->
            r.getStatus() != null
                && r.getStatus().getPhase() != null
                && r.getStatus().getPhase().isFinal());
  }

  private BuildRequest request(String name) {
    return client.resources(BuildRequest.class).inNamespace(NAMESPACE).withName(name).get();
  }

  private void awaitBuilderReady() {
    Await.until(
        "the builder pod to be ready again",
        Duration.ofMinutes(3),
        () -> client.resources(Builder.class).inNamespace(NAMESPACE).withName(BUILDER).get(),
        b -> b.getStatus() != null && Integer.valueOf(1).equals(b.getStatus().getReadyReplicas()));
  }

  private void deletePod(String namespace, String pod) {
    cluster.kubectl("delete", "pod", "-n", namespace, pod, "--wait=false").requireSuccess();
  }

  /** The RUN step's process, seen from the node: builder pods share its network, not its PIDs. */
  private void awaitStepProcess(String marker) {
    Await.until(
        "the RUN step's process on the node",
        Duration.ofMinutes(2),
        () -> stepProcesses(marker),
        n -> n > 0);
  }

  private void awaitNoStepProcess(String marker) {
    Await.until(
        "the RUN step's process to be gone",
        Duration.ofMinutes(1),
        () -> stepProcesses(marker),
        n -> n == 0);
  }

  private long stepProcesses(String marker) {
    return Commands.run(
            List.of("pgrep", "-f", "echo " + marker + "-"),
            Map.of(),
            null,
            Duration.ofSeconds(10),
            work)
        .stdout()
        .lines()
        .count();
  }

  /** The digest the registry serves for {@code image}, read by skopeo (not by Slipway). */
  private String registryDigest(String image) {
    return Commands.run(
            List.of(
                "skopeo",
                "inspect",
                "--tls-verify=false",
                "--format",
                "{{.Digest}}",
                "docker://" + image),
            Map.of(),
            null,
            Duration.ofMinutes(1),
            work)
        .requireSuccess()
        .stdout()
        .trim();
  }

  /** Runs {@code image} in a pod on the node and returns what it printed. */
  private String runPod(String name, String image) {
    cluster
        .apply(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: %s
              namespace: %s
            spec:
              hostNetwork: true
              restartPolicy: Never
              containers:
                - name: app
                  image: %s
                  imagePullPolicy: Never
            """
                .formatted(name, NAMESPACE, image))
        .requireSuccess();
    Await.until(
        "pod " + name + " to finish",
        Duration.ofMinutes(2),
        () -> client.pods().inNamespace(NAMESPACE).withName(name).get(),
        p -> p.getStatus() != null && "Succeeded".equals(p.getStatus().getPhase()));
    return client.pods().inNamespace(NAMESPACE).withName(name).getLog();
  }

  private String builderLog() {
    return client.pods().inNamespace(NAMESPACE).withName(BUILDER + "-0").getLog();
  }

  private String operatorLog() {
    StringBuilder log = new StringBuilder();
    for (Pod pod : client.pods().inNamespace(SYSTEM_NAMESPACE).list().getItems()) {
      log.append(
          client
              .pods()
              .inNamespace(SYSTEM_NAMESPACE)
              .withName(pod.getMetadata().getName())
              .getLog());
    }
    return log.toString();
  }

  private String describe(BuildRequest request) {
    return request.getMetadata().getName()
        + ": "
        + request.getStatus().getPhase()
        + " - "
        + request.getStatus().getMessage();
  }

  private String stateDir() {
    return System.getenv().getOrDefault("SLIPWAY_E2E_STATE", "/var/lib/slipway-e2e");
  }

  /** Operator and builder logs, events and resources, for whoever reads a red run. */
  private void saveLogs() throws IOException {
    if (client == null) {
      return;
    }
    Path logs = Files.createDirectories(LoopbackCluster.ROOT.resolve("e2e/target/e2e-logs"));
    for (String ns : List.of(SYSTEM_NAMESPACE, NAMESPACE)) {
      Files.writeString(
          logs.resolve(ns + "-describe.txt"),
          cluster.kubectl("describe", "all,builders,buildrequests", "-n", ns).stdout()
              + cluster.kubectl("get", "events", "-n", ns, "--sort-by=.lastTimestamp").stdout());
      for (Pod pod : client.pods().inNamespace(ns).list().getItems()) {
        String name = pod.getMetadata().getName();
        Files.writeString(
            logs.resolve(ns + "-" + name + ".log"),
            cluster.kubectl("logs", "-n", ns, name, "--all-containers").stdout()
                + cluster
                    .kubectl("logs", "-n", ns, name, "--all-containers", "--previous")
                    .stdout());
      }
    }
  }

  private static String sha256(String value) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
  }
}
