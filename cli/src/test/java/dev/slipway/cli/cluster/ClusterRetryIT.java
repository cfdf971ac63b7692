package dev.slipway.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.control.v1.BuildContext;
import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.ClientContext;
import dev.slipway.api.control.v1.ControlGrpc;
import dev.slipway.api.control.v1.DockerfileSource;
import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.OutputType;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.control.v1.VertexState;
import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildResultStatus;
import dev.slipway.cli.progress.ProgressPrinter;
import dev.slipway.cli.remote.BuilderAddress;
import dev.slipway.cli.remote.RemoteBuilder;
import dev.slipway.engine.job.BuildCancellation;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.session.LocalSession;
import dev.slipway.session.OutputDestination;
import dev.slipway.session.auth.BuildGrant;
import dev.slipway.session.auth.GrantScope;
import dev.slipway.session.auth.GrantSigner;
import dev.slipway.testing.BuilderProcess;
import dev.slipway.testing.Busybox;
import dev.slipway.testing.Command;
import dev.slipway.testing.TestCertificates;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster build whose builder pod is lost mid-build: the test plays the operator (status writes
 * on the fabric8 mock API server, Solve on real builder processes standing in for pods e2e-0 and
 * e2e-1), and the CLI reaches the "pods" on loopback instead of through a port-forward. The CLI
 * must attach its session to each attempt the operator starts, and end as the request ends; so must
 * {@code slipway logs}, following the attempts' progress.
 */
@EnableKubernetesMockClient(crud = true)
class ClusterRetryIT {
  private static final String BASE = Busybox.IN_REGISTRY;
  private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();
  private static final Duration PATIENCE = Duration.ofSeconds(90);
  private static final String AUDIENCE = "slipway-builder:team-a/big";

  KubernetesClient client;
  OperatorStandIn operator;
  @TempDir Path dir;
  final Map<String, BuilderProcess> pods = new ConcurrentHashMap<>();
  final ExecutorService background = Executors.newCachedThreadPool();
  final List<SolveEvent> progress = Collections.synchronizedList(new ArrayList<>());
  final ByteArrayOutputStream notices = new ByteArrayOutputStream();
  final ByteArrayOutputStream logsOut = new ByteArrayOutputStream();
  GrantSigner signer;
  TestCertificates certificates;
  Path context;
  Path out;

  @BeforeEach
  void setUp() throws Exception {
    MockCluster cluster = new MockCluster(client, dir);
    operator = new OperatorStandIn(client, PATIENCE);
    assertThat(cluster.run("builder", "create", "big").exitCode()).isZero();
    // The pods are configured as the operator configures them: its grants' public key and
    // audience, TLS.
    signer = GrantSigner.generate();
    certificates = TestCertificates.create(dir.resolve("tls"));
    Path publicKey = Files.writeString(dir.resolve("auth.pub"), signer.publicKeyPem());
    List<String> flags = new ArrayList<>(List.of("--auth-public-key", publicKey.toString()));
    flags.addAll(List.of("--auth-audience", AUDIENCE));
    flags.addAll(certificates.serverFlags());
    for (String pod : List.of("e2e-0", "e2e-1")) {
      pods.put(pod, BuilderProcess.start(REPO, dir.resolve(pod), flags, Map.of()));
      setReady(pod, true);
    }
    context = Files.createDirectories(dir.resolve("app"));
    Files.writeString(context.resolve("hello.txt"), "served from this machine\n");
    Files.writeString(
        context.resolve("Dockerfile"),
        "FROM " + BASE + "\nCOPY hello.txt /\nRUN sleep 2 && cat /hello.txt\n");
    out = dir.resolve("app.oci.tar");
  }

  @AfterEach
  void stop() throws Exception {
    background.shutdownNow();
    for (BuilderProcess builder : pods.values()) {
      builder.close();
    }
    unmountLeftovers();
  }

  /**
   * A killed builder leaves its running step's root filesystem mounted, as a failed node would:
   * unmounts what is under this test's directory, deepest first, so that it can be deleted.
   */
  private void unmountLeftovers() throws Exception {
    List<String> targets = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
      String target = line.split(" ")[1];
      if (target.startsWith(dir + "/")) {
        targets.add(target);
      }
    }
    Collections.reverse(targets);
    for (String target : targets) {
      Command.of("umount", target).output();
    }
  }

  @Test
  void aBuildWhosePodIsLostMidBuildFollowsTheOperatorsRetryOnAnotherPod() throws Exception {
    Future<BuildResult> solving = startBuild();
    BuildRequest created = operator.awaitCreated();
    String name = created.getMetadata().getName();
    Future<Integer> logs = startLogs(name);

    CompletableFuture<SolveEvent> first = place(created, "e2e-0", 1);
    operator.awaitTrue(this::sleeping);
    setReady("e2e-0", false);
    pods.get("e2e-0").kill();
    assertThatThrownBy(() -> first.get(PATIENCE.toSeconds(), TimeUnit.SECONDS))
        .hasCauseInstanceOf(StatusRuntimeException.class);
    retrying(name, "e2e-0", "the pod's Solve stream broke", 2);
    int shownBefore = progress.size();
    SolveEvent last =
        place(operator.request(name), "e2e-1", 2).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertThat(last.hasResult()).as(String.valueOf(last)).isTrue();
    operator.writeStatus(
        name,
        s -> {
          s.setPhase(BuildPhase.SUCCEEDED);
          BuildResultStatus result = new BuildResultStatus();
          result.setDigest(last.getResult().getImageDigest());
          s.setResult(result);
        });

    BuildResult result = solving.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertThat(result.getImageDigest()).isEqualTo(last.getResult().getImageDigest());
    assertThat(out).as("the OCI layout, sent by the second pod's builder").isRegularFile();
    assertThat(Files.size(out)).isGreaterThan(1000);
    assertThat(notices.toString(StandardCharsets.UTF_8))
        .contains("Builder pod e2e-0 was lost (")
        .contains("the operator retries: attempt 2 of 3 on pod e2e-1")
        .contains("Pending: builder pod e2e-0 was lost mid-build");
    assertThat(progress.subList(shownBefore, progress.size()))
        .as("the second attempt's steps and logs")
        .anyMatch(e -> e.hasLog() && e.getLog().getData().toStringUtf8().contains("served from"));

    assertThat(logs.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isZero();
    String shown = logsOut.toString(StandardCharsets.UTF_8);
    String retry = "the operator retries: attempt 2 of 3 on pod e2e-1";
    assertThat(shown)
        .contains("Builder pod e2e-0 was lost (")
        .contains(retry)
        .endsWith(name + " Succeeded " + result.getImageDigest() + "\n");
    String secondAttempt = shown.substring(shown.indexOf(retry));
    assertThat(secondAttempt)
        .as("logs follows the second attempt, heading its steps again")
        .containsPattern("\n#\\d+ \\[[^]]+\\] RUN sleep 2 && cat /hello.txt\n")
        .contains(" served from this machine\n");
  }

  @Test
  void aBuildThatADrainingPodRefusedFollowsTheOperatorToAnotherPod() throws Exception {
    Future<BuildResult> solving = startBuild();
    BuildRequest created = operator.awaitCreated();
    String name = created.getMetadata().getName();

    // The operator placed attempt 1 on e2e-0, which got SIGTERM just then and refused the Solve
    // as draining; the operator puts the same attempt on e2e-1 (BuildEndings.placeElsewhere).
    announce(created, "e2e-0", 1);
    assertThat(pods.get("e2e-0").awaitMetric("slipway_sessions_active", v -> v >= 1, PATIENCE))
        .as("the CLI attached its session to e2e-0")
        .isGreaterThanOrEqualTo(1);
    setReady("e2e-0", false);
    operator.writeStatus(
        name,
        s -> {
          s.setPhase(BuildPhase.PENDING);
          s.setBuilderPod(null);
          s.setBuildId(null);
          s.setAttempts(0);
          s.setMessage(
              "builder pod e2e-0 is draining and took no new build; placing the build on another"
                  + " pod");
        });
    SolveEvent last =
        place(operator.request(name), "e2e-1", 1).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertThat(last.hasResult()).as(String.valueOf(last)).isTrue();
    operator.writeStatus(
        name,
        s -> {
          s.setPhase(BuildPhase.SUCCEEDED);
          BuildResultStatus result = new BuildResultStatus();
          result.setDigest(last.getResult().getImageDigest());
          s.setResult(result);
        });

    BuildResult result = solving.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertThat(result.getImageDigest()).isEqualTo(last.getResult().getImageDigest());
    assertThat(out).as("the OCI layout, sent by e2e-1's builder").isRegularFile();
    assertThat(notices.toString(StandardCharsets.UTF_8))
        .contains(
            "Builder pod e2e-0 is draining and did not take the build; the operator moved it to"
                + " pod e2e-1");
  }

  @Test
  void aBuildWhoseRetriesAreSpentEndsWithTheBuildRequestsFailure() throws Exception {
    Future<BuildResult> solving = startBuild();
    BuildRequest created = operator.awaitCreated();
    String name = created.getMetadata().getName();
    created.getSpec().setRetries(1);
    client.resource(created).update();
    Future<Integer> logs = startLogs(name);

    place(operator.request(name), "e2e-0", 1);
    operator.awaitTrue(this::sleeping);
    setReady("e2e-0", false);
    pods.get("e2e-0").kill();
    retrying(name, "e2e-0", "the pod's Solve stream broke", 2);
    progress.clear();
    CompletableFuture<SolveEvent> second = place(operator.request(name), "e2e-1", 2);
    operator.awaitTrue(this::sleeping);
    // A pod deleted mid-build: its builder stops the build as it shuts down.
    setReady("e2e-1", false);
    pods.get("e2e-1").close();
    assertThat(second.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).getError().getKind())
        .isEqualTo(ErrorKind.ERROR_KIND_CANCELLED);
    String failure =
        "builder pod e2e-1 was lost mid-build (build cancelled: the builder is shutting down) on"
            + " attempt 2 of 2; check the Builder's pods (kubectl describe builder big) or raise"
            + " spec.retries";
    operator.writeStatus(
        name,
        s -> {
          s.setPhase(BuildPhase.FAILED);
          s.setMessage(failure);
        });

    assertThatThrownBy(() -> solving.get(PATIENCE.toSeconds(), TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(BuildFailedException.class)
        .hasMessage("BuildRequest " + name + " Failed: " + failure);
    assertThat(notices.toString(StandardCharsets.UTF_8))
        .doesNotContain("Lost the connection")
        .contains("the operator retries: attempt 2 of 2 on pod e2e-1");
    assertThat(logs.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(logsOut.toString(StandardCharsets.UTF_8))
        .contains("the operator retries: attempt 2 of 2 on pod e2e-1")
        .endsWith(name + " Failed: " + failure + "\n");
  }

  /** Runs the CLI's side of a cluster build in the background, reaching pods on loopback. */
  private Future<BuildResult> startBuild() {
    SolveRequest request =
        SolveRequest.newBuilder()
            .setBuildId("local-id")
            .setContext(
                BuildContext.newBuilder().setClient(ClientContext.newBuilder().setName("context")))
            .setDockerfile(DockerfileSource.newBuilder().setPath("Dockerfile"))
            .addOutputs(
                Output.newBuilder().setType(OutputType.OUTPUT_TYPE_OCI).setDest(out.toString()))
            .build();
    KubernetesClient own =
        new KubernetesClientBuilder().withConfig(client.getConfiguration()).build();
    ClusterBackend build =
        new ClusterBackend(
            new ClusterConnection(own, MockCluster.NAMESPACE),
            "big",
            context,
            context.resolve("Dockerfile"),
            new PrintStream(notices, true, StandardCharsets.UTF_8),
            this::tunnel);
    return background.submit(
        () -> {
          try (build;
              LocalSession session = LocalSession.builder().context("context", context).build()) {
            return build.build(request, session, progress::add, new BuildCancellation());
          }
        });
  }

  /** Runs {@code slipway logs NAME}'s following in the background, reaching pods on loopback. */
  private Future<Integer> startLogs(String name) {
    KubernetesClient own =
        new KubernetesClientBuilder().withConfig(client.getConfiguration()).build();
    PrintStream shown = new PrintStream(logsOut, true, StandardCharsets.UTF_8);
    BuildLogs logs =
        new BuildLogs(new ClusterConnection(own, MockCluster.NAMESPACE), name, this::tunnel, shown);
    return background.submit(
        () -> {
          try (own) {
            return logs.follow(ProgressPrinter.create("plain", shown, false));
          }
        });
  }

  /**
   * The CLI's tunnel without the port-forward: the attempt's grant from the request's session
   * Secret, TLS trusting the CA that Secret names.
   */
  private BuilderTunnel tunnel(BuildRequest placed) {
    SessionGrant grant =
        SessionGrant.read(new ClusterConnection(client, MockCluster.NAMESPACE), placed);
    return new BuilderTunnel(
        () -> {},
        RemoteBuilder.connectTls(
            new BuilderAddress("127.0.0.1", pods.get(placed.getStatus().getBuilderPod()).port()),
            grant.token(),
            grant.caPem(),
            "localhost"));
  }

  /**
   * What the operator does to start an attempt: mints the attempt's grant into the request's
   * session Secret, names pod and build id in the status, then sends Solve with the CLI's session
   * id and that grant; the future ends with the build's last event.
   */
  private CompletableFuture<SolveEvent> place(BuildRequest request, String pod, int attempt)
      throws java.io.IOException {
    String token = announce(request, pod, attempt);
    return solve(request, pod, request.getMetadata().getUid() + "-" + attempt, token);
  }

  /**
   * What the operator does before Solve: mints the attempt's grant into the request's session
   * Secret and names pod and build id in the status; returns the grant.
   */
  private String announce(BuildRequest request, String pod, int attempt)
      throws java.io.IOException {
    String name = request.getMetadata().getName();
    String buildId = request.getMetadata().getUid() + "-" + attempt;
    String token =
        signer.sign(
            new BuildGrant(
                "buildrequest:" + MockCluster.NAMESPACE + "/" + name,
                Set.of(GrantScope.BUILD),
                Optional.of(buildId),
                Instant.now().plus(Duration.ofMinutes(10))),
            AUDIENCE);
    client
        .secrets()
        .inNamespace(MockCluster.NAMESPACE)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name + "-session")
                .endMetadata()
                .addToData("token", encode(token))
                .addToData("build-id", encode(buildId))
                .addToData("ca.crt", encode(Files.readString(certificates.ca())))
                .build())
        .createOr(r -> r.update());
    operator.writeStatus(
        name,
        s -> {
          s.setSessionSecret(name + "-session");
          s.setPhase(BuildPhase.RUNNING);
          s.setBuilderPod(pod);
          s.setBuildId(buildId);
          s.setAttempts(attempt);
          s.setMessage("building on pod " + pod + " (attempt " + attempt + ")");
        });
    return token;
  }

  /** Sends the attempt's Solve to the pod {@link #announce} named. */
  private CompletableFuture<SolveEvent> solve(
      BuildRequest request, String pod, String buildId, String token) throws java.io.IOException {
    SolveRequest solve =
        SolveRequest.newBuilder()
            .setBuildId(buildId)
            .setSessionId(request.getSpec().getContext().getClient().getSessionId())
            .setDetached(true)
            .setContext(
                BuildContext.newBuilder().setClient(ClientContext.newBuilder().setName("context")))
            .setDockerfile(DockerfileSource.newBuilder().setPath("Dockerfile"))
            .addOutputs(
                Output.newBuilder()
                    .setType(OutputType.OUTPUT_TYPE_OCI)
                    .setDest(new OutputDestination.ClientPath(out.toString()).dest()))
            .build();
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(
                "127.0.0.1",
                pods.get(pod).port(),
                TlsChannelCredentials.newBuilder().trustManager(certificates.ca().toFile()).build())
            .build();
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            SolveEvent last = null;
            var events =
                ControlGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .solve(solve);
            while (events.hasNext()) {
              last = events.next();
            }
            return last;
          } finally {
            channel.shutdownNow();
          }
        },
        background);
  }

  private static String encode(String value) {
    return java.util.Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  /** What the operator writes when it has lost a pod and will start another attempt. */
  private void retrying(String name, String pod, String reason, int attempt) {
    operator.writeStatus(
        name,
        s -> {
          s.setPhase(BuildPhase.PENDING);
          s.setBuilderPod(null);
          s.setBuildId(null);
          s.setMessage(
              "builder pod "
                  + pod
                  + " was lost mid-build ("
                  + reason
                  + "); starting attempt "
                  + attempt);
        });
  }

  /** Whether the build has reached its {@code RUN sleep} step on the current attempt. */
  private boolean sleeping() {
    synchronized (progress) {
      return progress.stream()
          .anyMatch(
              e ->
                  e.hasVertex()
                      && e.getVertex().getName().contains("RUN sleep")
                      && e.getVertex().getState() == VertexState.VERTEX_STATE_STARTED);
    }
  }

  private void setReady(String pod, boolean ready) {
    Pod p =
        new PodBuilder()
            .withNewMetadata()
            .withName(pod)
            .withNamespace(MockCluster.NAMESPACE)
            .endMetadata()
            .withNewStatus()
            .withPhase("Running")
            .addNewCondition()
            .withType("Ready")
            .withStatus(ready ? "True" : "False")
            .endCondition()
            .endStatus()
            .build();
    client.pods().inNamespace(MockCluster.NAMESPACE).resource(p).createOr(r -> r.update());
  }
}
