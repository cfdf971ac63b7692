package dev.slipway.e2e.journeys;

import static dev.slipway.e2e.journeys.BuildsNamespace.BUILD_TIMEOUT;
import static dev.slipway.e2e.journeys.BuildsNamespace.NAMESPACE;
import static dev.slipway.e2e.journeys.BuildsNamespace.NONCE;
import static dev.slipway.e2e.journeys.BuildsNamespace.describe;
import static dev.slipway.e2e.journeys.BuildsNamespace.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.e2e.LoopbackCluster;
import dev.slipway.testing.Busybox;
import dev.slipway.testing.Command;
import dev.slipway.testing.TestRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Two users sharing the cluster's one Builder: alice, logged in to a private registry, builds with
 * a secret while bob, with no login and no secret, tries to get at what is hers through the same
 * builder pod: her private base image, her secret, her build's progress, cancel and session (with
 * his own build's grant, straight over gRPC), and her build's logs through the API server with a
 * ServiceAccount that may not read Secrets. Each attempt must be refused and her build must end
 * Succeeded, pushed.
 */
final class SharedBuilderJourneys {
  private static final String USER = "alice";
  private static final String PASSWORD = "alice-registry-" + UUID.randomUUID();

  /** Long enough for every one of bob's attempts while alice's RUN step sleeps. */
  private static final int ALICE_STEP_SECONDS = 120;

  private final LoopbackCluster cluster;
  private final BuildsNamespace builds;
  private final Path work;

  SharedBuilderJourneys(LoopbackCluster cluster, BuildsNamespace builds, Path work) {
    this.cluster = cluster;
    this.builds = builds;
    this.work = work;
  }

  void anotherUserOfTheBuilderCannotReachAlicesBuild() throws Exception {
    try (TestRegistry registry =
        TestRegistry.htpasswd(work.resolve("private-registry"), USER, PASSWORD)) {
      // Builder pods share the node's network, so they reach this registry on loopback.
      String credentials = USER + ":" + PASSWORD;
      Path alices = dockerConfig("alice-docker", registry.host(), credentials);
      Path bobs = dockerConfig("bob-docker", null, null);
      String privateImage = registry.host() + "/private/base:" + NONCE;
      String slowImage = registry.host() + "/private/slow:" + NONCE;
      String secret = "alice-secret-" + UUID.randomUUID();
      Path secretFile = Files.writeString(work.resolve("alice-token.txt"), secret);

      // Alice pushes a private image: the registry refuses it to anyone without her login.
      builds
          .slipway(
              Map.of("DOCKER_CONFIG", alices.toString()),
              BUILD_TIMEOUT,
              BuildsNamespace.build(
                  "-o",
                  "type=registry,name=" + privateImage,
                  context(
                          "alice-private",
                          "FROM "
                              + Busybox.IN_REGISTRY
                              + "\nARG NONCE\nRUN echo alice-private-$NONCE > /private.txt\n")
                      .toString()))
          .requireSuccess();
      assertThat(digest(privateImage, credentials)).startsWith("sha256:");
      assertThat(inspect(privateImage, null).exitCode())
          .as("the registry serves %s only with alice's login", privateImage)
          .isNotZero();

      // Alice's slow build: its first RUN checks the secret and sleeps; its second asks her
      // session for the secret again, after bob has tried to attach a session of the same id.
      String check = "test \"$(sha256sum /run/secrets/token | cut -c1-64)\" = " + sha256(secret);
      Path aliceLog = work.resolve("alice-slow.log");
      Process alice =
          builds.startSlipway(
              Map.of("DOCKER_CONFIG", alices.toString()),
              aliceLog,
              BuildsNamespace.build(
                  "--secret",
                  "id=token,src=" + secretFile,
                  "-o",
                  "type=registry,name=" + slowImage,
                  context(
                          "alice-slow",
                          "FROM "
                              + Busybox.IN_REGISTRY
                              + "\nARG NONCE\nRUN --mount=type=secret,id=token,required=true sh -c '"
                              + check.replace("'", "'\\''")
                              + " && sleep "
                              + ALICE_STEP_SECONDS
                              + " && echo alice-slow-$NONCE' > /out\n"
                              + "RUN --mount=type=secret,id=token,required=true "
                              + check
                              + "\n")
                      .toString()));
      try {
        String aliceName = builds.awaitCreatedBy(aliceLog);
        BuildRequest aliceRunning = builds.awaitRunning(aliceName);
        builds.awaitStepProcess("alice-slow");

        bobsBuildFromAlicesPrivateImageIsRefused(bobs, privateImage);
        try (ForeignCaller asBob = bobsSlowBuildCannotReachAlices(bobs, aliceRunning, secret)) {
          assertThat(alice.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
          asBob.assertAttachedSessionServedNothing();
          String aliceOutput = Files.readString(aliceLog);
          assertThat(alice.exitValue()).as(aliceOutput).isZero();
          BuildRequest ended = builds.awaitEnd(aliceName);
          assertThat(ended.getStatus().getPhase())
              .as("alice's build was not cancelled: " + describe(ended))
              .isEqualTo(BuildPhase.SUCCEEDED);
          assertThat(ended.getStatus().getBuildId())
              .as("one attempt, never restarted")
              .isEqualTo(aliceRunning.getStatus().getBuildId());
          assertThat(digest(slowImage, credentials)).startsWith("sha256:");
          assertThat(aliceOutput + builds.builderLog() + builds.operatorLog())
              .as("alice's secret and registry password are in no output or log")
              .doesNotContain(secret)
              .doesNotContain(PASSWORD);
        }
      } finally {
        alice.destroy();
      }
    }
  }

  /**
   * Bob's own slow build, with no secret: its optional secret mount finds none of alice's. While it
   * runs, his build's grant is tried on alice's build (gRPC) and his ServiceAccount on her logs.
   * Returns bob's client, whose session attached under alice's session id stays open until closed.
   */
  private ForeignCaller bobsSlowBuildCannotReachAlices(
      Path bobs, BuildRequest aliceRunning, String secret) throws Exception {
    Path bobOut = work.resolve("bob-out");
    Path bobLog = work.resolve("bob-slow.log");
    Process bob =
        builds.startSlipway(
            Map.of("DOCKER_CONFIG", bobs.toString()),
            bobLog,
            BuildsNamespace.build(
                "-o",
                "type=local,dest=" + bobOut,
                context(
                        "bob-slow",
                        "FROM "
                            + Busybox.IN_REGISTRY
                            + "\nARG NONCE\n"
                            + "RUN --mount=type=secret,id=token,required=false sh -c"
                            + " 'cat /run/secrets/token > /bob-saw.txt 2>/dev/null;"
                            + " sleep 20; echo bob-slow-$NONCE > /done'\n")
                    .toString()));
    ForeignCaller asBob = null;
    try {
      String bobName = builds.awaitCreatedBy(bobLog);
      BuildRequest bobRunning = builds.awaitRunning(bobName);
      builds.awaitStepProcess("bob-slow");
      asBob = ForeignCaller.of(cluster.client(), bobRunning);
      asBob.assertCannotReach(aliceRunning);
      bobsServiceAccountMayNotReadAlicesLogs(aliceRunning.getMetadata().getName());

      assertThat(bob.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      String bobOutput = Files.readString(bobLog);
      assertThat(bob.exitValue()).as(bobOutput).isZero();
      assertThat(bobOut.resolve("bob-saw.txt"))
          .as("bob's optional secret mount found no secret of alice's")
          .isEmptyFile();
      assertThat(bobOutput).doesNotContain(secret);
      return asBob;
    } catch (Exception | AssertionError e) {
      if (asBob != null) {
        asBob.close();
      }
      throw e;
    } finally {
      bob.destroy();
    }
  }

  /** Bob's build FROM alice's private image fails with the login error; its RUN never runs. */
  private void bobsBuildFromAlicesPrivateImageIsRefused(Path bobs, String privateImage)
      throws Exception {
    Command.Result fromPrivate =
        builds.slipway(
            Map.of("DOCKER_CONFIG", bobs.toString()),
            BUILD_TIMEOUT,
            BuildsNamespace.build(
                "-o",
                "type=local,dest=" + work.resolve("bob-from-private-out"),
                context(
                        "bob-from-private",
                        "FROM " + privateImage + "\nARG NONCE\nRUN echo bob-ran-$NONCE\n")
                    .toString()));
    String output = fromPrivate.stdout() + fromPrivate.stderr();
    assertThat(fromPrivate.exitCode()).as(output).isNotZero();
    assertThat(output)
        .contains("the registry requires a login")
        .doesNotContain("bob-ran-" + NONCE)
        .doesNotContain("alice-private-" + NONCE);
    assertThat(work.resolve("bob-from-private-out/private.txt")).doesNotExist();
  }

  /**
   * A ServiceAccount that may create and read BuildRequests but not Secrets: {@code slipway logs}
   * of alice's build needs her session Secret and is refused with a message saying so.
   */
  private void bobsServiceAccountMayNotReadAlicesLogs(String aliceName) throws Exception {
    builds.apply(
        """
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: bob, namespace: %1$s}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: buildrequests-only, namespace: %1$s}
        rules:
          - apiGroups: [slipway.dev]
            resources: [buildrequests]
            verbs: [create, get, list, watch]
          - apiGroups: [slipway.dev]
            resources: [builders]
            verbs: [get, list]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: bob-buildrequests-only, namespace: %1$s}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: buildrequests-only}
        subjects:
          - {kind: ServiceAccount, name: bob, namespace: %1$s}
        """
            .formatted(NAMESPACE));
    String token =
        cluster
            .kubectl("create", "token", "bob", "-n", NAMESPACE, "--duration=10m")
            .requireSuccess()
            .stdout()
            .strip();
    Path kubeconfig = work.resolve("bob.kubeconfig");
    Files.copy(
        Path.of(cluster.env().get("KUBECONFIG")), kubeconfig, StandardCopyOption.REPLACE_EXISTING);
    Map<String, String> asBob = Map.of("KUBECONFIG", kubeconfig.toString());
    kubectl(asBob, "config", "set-credentials", "bob", "--token=" + token);
    String context = kubectl(asBob, "config", "current-context").strip();
    kubectl(asBob, "config", "set-context", context, "--user=bob");
    assertThat(kubectl(asBob, "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"))
        .isEqualTo("system:serviceaccount:" + NAMESPACE + ":bob");

    Command.Result logs =
        builds.slipway(asBob, Duration.ofMinutes(1), "logs", "-n", NAMESPACE, aliceName);
    String output = logs.stdout() + logs.stderr();
    assertThat(logs.exitCode()).as(output).isNotZero();
    assertThat(output)
        .contains("you may not read Secret " + NAMESPACE + "/" + aliceName + "-session")
        .doesNotContain("alice-slow-" + NONCE);
  }

  private String kubectl(Map<String, String> env, String... args) {
    return Command.of(Stream.concat(Stream.of("kubectl"), Stream.of(args)).toList())
        .in(work)
        .env(cluster.env())
        .env(env)
        .timeout(Duration.ofMinutes(1))
        .run()
        .requireSuccess()
        .stdout();
  }

  /** A build context directory holding only {@code dockerfile}. */
  private Path context(String name, String dockerfile) throws Exception {
    Path dir = Files.createDirectories(work.resolve("contexts/" + name));
    Files.writeString(dir.resolve("Dockerfile"), dockerfile);
    return dir;
  }

  /** A DOCKER_CONFIG directory with a login for {@code host}, or with none. */
  private Path dockerConfig(String name, String host, String credentials) throws Exception {
    Path dir = Files.createDirectories(work.resolve(name));
    String auths =
        host == null
            ? "{}"
            : "{\""
                + host
                + "\": {\"auth\": \""
                + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8))
                + "\"}}";
    Files.writeString(dir.resolve("config.json"), "{\"auths\": " + auths + "}\n");
    return dir;
  }

  /** The digest skopeo reads for {@code image} with {@code credentials} (user:password). */
  private String digest(String image, String credentials) {
    return inspect(image, credentials).requireSuccess().stdout().trim();
  }

  private Command.Result inspect(String image, String credentials) {
    List<String> args =
        new ArrayList<>(
            List.of("skopeo", "inspect", "--tls-verify=false", "--format", "{{.Digest}}"));
    args.add(credentials == null ? "--no-creds" : "--creds=" + credentials);
    args.add("docker://" + image);
    return Command.of(args).timeout(Duration.ofMinutes(1)).in(work).run();
  }
}
