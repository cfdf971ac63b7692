package dev.slipway.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.slipway.api.control.v1.BuildContext;
import dev.slipway.api.control.v1.BuildState;
import dev.slipway.api.control.v1.BuildSummary;
import dev.slipway.api.control.v1.CancelRequest;
import dev.slipway.api.control.v1.ClientContext;
import dev.slipway.api.control.v1.ControlGrpc;
import dev.slipway.api.control.v1.DiskUsageRequest;
import dev.slipway.api.control.v1.DockerfileSource;
import dev.slipway.api.control.v1.HistoryLogsRequest;
import dev.slipway.api.control.v1.HistoryRecord;
import dev.slipway.api.control.v1.InfoRequest;
import dev.slipway.api.control.v1.InfoResponse;
import dev.slipway.api.control.v1.InlineContext;
import dev.slipway.api.control.v1.InspectHistoryRequest;
import dev.slipway.api.control.v1.ListBuildsRequest;
import dev.slipway.api.control.v1.ListHistoryRequest;
import dev.slipway.api.control.v1.PruneRequest;
import dev.slipway.api.control.v1.RemoveHistoryRequest;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.control.v1.StatusRequest;
import dev.slipway.api.session.v1.Hello;
import dev.slipway.api.session.v1.SessionGrpc;
import dev.slipway.engine.session.LocalSession;
import dev.slipway.session.BuildSession;
import dev.slipway.session.ContextFiles;
import dev.slipway.session.OutputDestination;
import dev.slipway.session.RegistryCredentials;
import dev.slipway.session.SessionException;
import dev.slipway.session.auth.BuildGrant;
import dev.slipway.session.auth.GrantScope;
import dev.slipway.session.auth.GrantSigner;
import dev.slipway.session.credentials.DockerConfig;
import dev.slipway.session.serving.AnsweringSession;
import dev.slipway.session.serving.ExportReceiver;
import dev.slipway.testing.BuilderProcess;
import dev.slipway.testing.Busybox;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two callers, alice and bob, share one real builder process that checks grants from a test signer
 * (as the operator would mint them). Each test is one attack by bob (or by a caller without a valid
 * grant) through the real gRPC protocol; each asserts the refusal and that nothing of alice's
 * reached bob.
 */
@Timeout(300)
class HostileSessionIT {
  private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();
  private static final String AUDIENCE = "builder/team/shared";
  private static final GrantSigner SIGNER = GrantSigner.generate();
  private static final String ALICE = token("alice", Set.of(GrantScope.BUILD), null);
  private static final String BOB = token("bob", Set.of(GrantScope.BUILD), null);
  private static final String ADMIN =
      token("operator", Set.of(GrantScope.BUILD, GrantScope.ADMIN), null);

  @TempDir static Path work;
  private static BuilderProcess builder;
  private static ManagedChannel transport;
  private final List<AnsweringSession> sessions = new ArrayList<>();

  @BeforeAll
  static void startTheSharedBuilder() throws IOException {
    Path key = Files.writeString(work.resolve("grants.pub"), SIGNER.publicKeyPem());
    builder =
        BuilderProcess.start(
            REPO,
            work.resolve("state"),
            List.of("--auth-public-key", key.toString(), "--auth-audience", AUDIENCE),
            Map.of("SLIPWAY_SESSION_ATTACH_WAIT", "3"));
    transport = NettyChannelBuilder.forAddress("127.0.0.1", builder.port()).usePlaintext().build();
  }

  @AfterAll
  static void stopTheBuilder() throws Exception {
    if (transport != null) {
      transport.shutdownNow();
    }
    if (builder != null) {
      String log = builder.log();
      builder.close();
      assertThat(log).as("no grant is ever logged").doesNotContain(ALICE, BOB, ADMIN);
    }
  }

  @AfterEach
  void closeSessions() {
    sessions.forEach(AnsweringSession::close);
  }

  @Test
  void aBuildCannotNameAnotherCallersSession() throws Exception {
    Recorder alices = new Recorder(context("secret.txt", "alice-private"));
    attach(ALICE, "alice-session", alices);

    assertThatThrownBy(
            () -> drain(control(BOB).solve(copyFromSession("bob-steals", "alice-session"))))
        .isInstanceOf(StatusRuntimeException.class)
        .satisfies(e -> assertCode(e, Status.Code.FAILED_PRECONDITION))
        .hasMessageContaining(
            "session alice-session is not attached to this builder by this caller");

    assertThat(alices.asked).as("alice's session answered nothing for bob").isEmpty();
    assertThat(sessions.getFirst().endReason()).as("alice's session is intact").isNull();
  }

  @Test
  void attachingAnotherCallersSessionIdFirstDoesNotCaptureTheirBuild() throws Exception {
    Recorder bobs = new Recorder(context("secret.txt", "bob-planted"));
    attach(BOB, "taken-first", bobs);
    Recorder alices = new Recorder(context("secret.txt", "alice-real"));
    attach(ALICE, "taken-first", alices);

    SolveEvent last = drain(control(ALICE).solve(copyFromSession("alice-own", "taken-first")));

    assertThat(last.hasResult()).as("%s", last).isTrue();
    assertThat(alices.asked).as("alice's build read alice's files").contains("context:context");
    assertThat(bobs.asked).as("bob's planted session served nothing").isEmpty();
    assertThat(sessions).allSatisfy(s -> assertThat(s.endReason()).isNull());
  }

  @Test
  void anotherCallerCannotWatchCancelOrReuseARunningBuild() throws Exception {
    attach(ALICE, "alice-slow-session", new Recorder(context("a.txt", "a")));
    List<SolveEvent> alicesEvents = new CopyOnWriteArrayList<>();
    ControlGrpc.newStub(as(ALICE))
        .solve(slowBuild("alice-slow", "alice-slow-session"), collect(alicesEvents));
    awaitState(ALICE, "alice-slow", BuildState.BUILD_STATE_RUNNING);

    StatusRuntimeException foreign = statusError(BOB, "alice-slow");
    StatusRuntimeException unknown = statusError(BOB, "no-such-build");
    assertCode(foreign, Status.Code.NOT_FOUND);
    assertThat(foreign.getStatus().getDescription())
        .as("bob cannot tell alice's build from one that does not exist")
        .isEqualTo(unknown.getStatus().getDescription().replace("no-such-build", "alice-slow"));
    assertThat(
            control(BOB)
                .cancel(CancelRequest.newBuilder().setBuildId("alice-slow").build())
                .getCancelled())
        .isFalse();
    assertThat(buildIds(BOB)).doesNotContain("alice-slow");
    assertThatThrownBy(
            () ->
                drain(control(ALICE).solve(copyFromSession("alice-second", "alice-slow-session"))))
        .satisfies(e -> assertCode(e, Status.Code.FAILED_PRECONDITION))
        .hasMessageContaining("already serves another build");

    assertThat(summary(ALICE, "alice-slow").getState())
        .as("alice's build runs on, unaffected")
        .isEqualTo(BuildState.BUILD_STATE_RUNNING);
    assertThat(buildIds(ADMIN)).contains("alice-slow");
    assertThat(
            control(ALICE)
                .cancel(CancelRequest.newBuilder().setBuildId("alice-slow").build())
                .getCancelled())
        .isTrue();
  }

  @Test
  void listBuildsAndInfoShowEachCallerOnlyItsOwnBuilds() throws Exception {
    assertThat(drain(control(ALICE).solve(inline("alice-listed", "ctx-alice"))).hasResult())
        .isTrue();
    assertThat(drain(control(BOB).solve(inline("bob-listed", "ctx-bob"))).hasResult()).isTrue();

    assertThat(buildIds(ALICE)).contains("alice-listed").doesNotContain("bob-listed");
    assertThat(buildIds(BOB)).contains("bob-listed").doesNotContain("alice-listed");
    assertThat(buildIds(ADMIN)).contains("alice-listed", "bob-listed");
    InfoResponse bobsInfo = control(BOB).info(InfoRequest.getDefaultInstance());
    assertThat(bobsInfo.getRecentContextKeysList()).contains("ctx-bob").doesNotContain("ctx-alice");
    assertThat(bobsInfo.getRecentDockerfileDigestsList())
        .as("what Info says the cache holds comes from the caller's own builds only")
        .contains(sha256(inlineDockerfile("bob-listed")))
        .doesNotContain(sha256(inlineDockerfile("alice-listed")));
    assertThat(
            control(ADMIN).info(InfoRequest.getDefaultInstance()).getRecentDockerfileDigestsList())
        .contains(sha256(inlineDockerfile("bob-listed")), sha256(inlineDockerfile("alice-listed")));
  }

  private static String sha256(String text) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(
            java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Test
  void pruneAndDiskUsageNeedAnAdminGrant() {
    assertThatThrownBy(() -> control(BOB).prune(PruneRequest.newBuilder().setAll(true).build()))
        .satisfies(e -> assertCode(e, Status.Code.PERMISSION_DENIED))
        .hasMessageContaining("Prune concerns every build's cache")
        .hasMessageContaining("ADMIN");
    assertThatThrownBy(() -> control(BOB).diskUsage(DiskUsageRequest.getDefaultInstance()))
        .satisfies(e -> assertCode(e, Status.Code.PERMISSION_DENIED))
        .hasMessageContaining("DiskUsage");

    assertThat(control(ADMIN).diskUsage(DiskUsageRequest.getDefaultInstance())).isNotNull();
  }

  @Test
  void aBuildBoundGrantRunsAndSeesOnlyItsOwnBuild() throws Exception {
    String bound = token("buildrequest:team/app-1", Set.of(GrantScope.BUILD), "bound-1");
    assertThat(drain(control(ALICE).solve(inline("alice-other", "ctx-alice"))).hasResult())
        .isTrue();

    assertThatThrownBy(() -> drain(control(bound).solve(inline("bound-2", "ctx"))))
        .satisfies(e -> assertCode(e, Status.Code.PERMISSION_DENIED))
        .hasMessageContaining("this grant is for build bound-1, not bound-2");
    assertThat(drain(control(bound).solve(inline("bound-1", "ctx"))).hasResult()).isTrue();
    assertThat(buildIds(bound)).containsExactly("bound-1");
    assertCode(statusError(bound, "alice-other"), Status.Code.NOT_FOUND);
  }

  @Test
  void aFinishedBuildsHistoryIsReadByItsOwnerAndHiddenFromOthers() throws Exception {
    SolveEvent end = drain(control(ALICE).solve(inline("alice-hist", "ctx-alice")));
    assertThat(end.hasResult()).isTrue();
    SolveRequest failing =
        inline("alice-hist-failed", "ctx-alice").toBuilder()
            .setDockerfile(
                DockerfileSource.newBuilder().setInline("FROM scratch\nCOPY not-there.txt /n\n"))
            .build();
    assertThat(drain(control(ALICE).solve(failing)).hasError()).isTrue();
    String bound = token("buildrequest:team/app-h", Set.of(GrantScope.BUILD), "bound-h");
    assertThat(drain(control(bound).solve(inline("bound-h", "ctx"))).hasResult()).isTrue();

    // after the end, alice reads her records
    assertThat(historyIds(ALICE))
        .contains("alice-hist", "alice-hist-failed")
        .doesNotContain("bound-h");
    HistoryRecord record =
        control(ALICE)
            .inspectHistory(InspectHistoryRequest.newBuilder().setBuildId("alice-hist").build());
    assertThat(record.getState()).isEqualTo(BuildState.BUILD_STATE_SUCCEEDED);
    assertThat(record.getImageDigest()).isEqualTo(end.getResult().getImageDigest());
    assertThat(record.getStepsList()).isNotEmpty();
    HistoryRecord failed =
        control(ALICE)
            .inspectHistory(
                InspectHistoryRequest.newBuilder().setBuildId("alice-hist-failed").build());
    assertThat(failed.getState()).isEqualTo(BuildState.BUILD_STATE_FAILED);
    assertThat(failed.getError().getMessage()).contains("not-there.txt");
    assertThat(failed.getFailingStep()).contains("COPY not-there.txt");
    List<SolveEvent> log = new ArrayList<>();
    control(ALICE)
        .historyLogs(HistoryLogsRequest.newBuilder().setBuildId("alice-hist").build())
        .forEachRemaining(log::add);
    assertThat(log).anyMatch(SolveEvent::hasVertex);
    assertThat(log.getLast().hasResult()).isTrue();

    // bob, and a grant bound to another build, find nothing of alice's: as if it did not exist
    assertThat(historyIds(BOB)).doesNotContain("alice-hist", "alice-hist-failed", "bound-h");
    assertThat(historyIds(bound)).containsExactly("bound-h");
    for (String other : List.of(BOB, bound)) {
      assertThatThrownBy(
              () ->
                  control(other)
                      .inspectHistory(
                          InspectHistoryRequest.newBuilder().setBuildId("alice-hist").build()))
          .satisfies(e -> assertCode(e, Status.Code.NOT_FOUND));
      assertThatThrownBy(
              () ->
                  drain(
                      control(other)
                          .historyLogs(
                              HistoryLogsRequest.newBuilder().setBuildId("alice-hist").build())))
          .satisfies(e -> assertCode(e, Status.Code.NOT_FOUND));
      assertThat(
              control(other)
                  .removeHistory(
                      RemoveHistoryRequest.newBuilder().addBuildIds("alice-hist").build())
                  .getRemovedList())
          .isEmpty();
      assertThat(
              control(other)
                  .removeHistory(RemoveHistoryRequest.newBuilder().setAll(true).build())
                  .getRemovedList())
          .doesNotContain("alice-hist", "alice-hist-failed");
    }
    assertThatThrownBy(
            () ->
                control(ALICE)
                    .inspectHistory(
                        InspectHistoryRequest.newBuilder().setBuildId("../../etc/passwd").build()))
        .satisfies(e -> assertCode(e, Status.Code.NOT_FOUND));
    assertThat(historyIds(ADMIN)).contains("alice-hist", "alice-hist-failed");

    assertThat(
            control(ALICE)
                .removeHistory(RemoveHistoryRequest.newBuilder().addBuildIds("alice-hist").build())
                .getRemovedList())
        .containsExactly("alice-hist");
    assertThat(historyIds(ALICE)).doesNotContain("alice-hist").contains("alice-hist-failed");
  }

  private static List<String> historyIds(String token) {
    return control(token)
        .listHistory(ListHistoryRequest.getDefaultInstance())
        .getRecordsList()
        .stream()
        .map(HistoryRecord::getBuildId)
        .toList();
  }

  @Test
  void callsWithoutAValidGrantAreUnauthenticated() throws Exception {
    String expired =
        SIGNER.sign(
            new BuildGrant(
                "alice",
                Set.of(GrantScope.ADMIN),
                Optional.empty(),
                Instant.now().minus(Duration.ofMinutes(10))),
            AUDIENCE);
    String otherBuilder =
        SIGNER.sign(
            new BuildGrant(
                "alice", Set.of(GrantScope.ADMIN), Optional.empty(), Instant.now().plusSeconds(60)),
            "builder/other/shared");
    String otherSigner =
        GrantSigner.generate()
            .sign(
                new BuildGrant(
                    "alice",
                    Set.of(GrantScope.ADMIN),
                    Optional.empty(),
                    Instant.now().plusSeconds(60)),
                AUDIENCE);
    var anonymous = ControlGrpc.newBlockingStub(transport);
    assertThatThrownBy(() -> anonymous.info(InfoRequest.getDefaultInstance()))
        .satisfies(e -> assertCode(e, Status.Code.UNAUTHENTICATED))
        .hasMessageContaining("no grant given");
    for (var refused :
        Map.of(
                "garbage",
                "not a signed JWT",
                expired,
                "the grant expired",
                otherBuilder,
                "the grant is for another builder",
                otherSigner,
                "signature does not match")
            .entrySet()) {
      assertThatThrownBy(
              () -> control(refused.getKey()).listBuilds(ListBuildsRequest.getDefaultInstance()))
          .satisfies(e -> assertCode(e, Status.Code.UNAUTHENTICATED))
          .hasMessageContaining(refused.getValue())
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(refused.getKey()));
    }

    AnsweringSession unauthenticated =
        new AnsweringSession(
            new Recorder(context("a.txt", "a")), ExportReceiver.NONE, hello("no-grant"));
    sessions.add(unauthenticated);
    unauthenticated.open(SessionGrpc.newStub(transport));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (unauthenticated.endReason() == null && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(unauthenticated.endReason()).startsWith("UNAUTHENTICATED");
  }

  // --- the protocol-correct client

  private static String token(String principal, Set<GrantScope> scopes, String buildId) {
    return SIGNER.sign(
        new BuildGrant(
            principal,
            scopes,
            Optional.ofNullable(buildId),
            Instant.now().plus(Duration.ofHours(1))),
        AUDIENCE);
  }

  private static Channel as(String token) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return ClientInterceptors.intercept(
        transport, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static ControlGrpc.ControlBlockingStub control(String token) {
    return ControlGrpc.newBlockingStub(as(token)).withDeadlineAfter(2, TimeUnit.MINUTES);
  }

  /** Opens a session as {@code token}'s caller and waits until the builder has registered it. */
  private void attach(String token, String id, BuildSession answers) throws Exception {
    double before = builder.metric("slipway_sessions_active");
    AnsweringSession s = new AnsweringSession(answers, ExportReceiver.NONE, hello(id));
    sessions.add(s);
    s.open(SessionGrpc.newStub(as(token)));
    double now =
        builder.awaitMetric("slipway_sessions_active", v -> v > before, Duration.ofSeconds(10));
    assertThat(now).as("session %s attached (%s)", id, s.endReason()).isGreaterThan(before);
  }

  private static Hello hello(String id) {
    return Hello.newBuilder()
        .setSessionId(id)
        .addContexts("context")
        .setClientVersion("hostile-test")
        .build();
  }

  private Path context(String file, String content) throws IOException {
    Path dir = Files.createTempDirectory(work, "context");
    Files.writeString(dir.resolve(file), content);
    return dir;
  }

  private static SolveRequest copyFromSession(String buildId, String sessionId) {
    return SolveRequest.newBuilder()
        .setBuildId(buildId)
        .setSessionId(sessionId)
        .setContext(
            BuildContext.newBuilder().setClient(ClientContext.newBuilder().setName("context")))
        .setDockerfile(DockerfileSource.newBuilder().setInline("FROM scratch\nCOPY . /in/\n"))
        .build();
  }

  private static SolveRequest inline(String buildId, String contextKey) {
    return SolveRequest.newBuilder()
        .setBuildId(buildId)
        .setContextKey(contextKey)
        .setContext(
            BuildContext.newBuilder()
                .setInline(
                    InlineContext.newBuilder().putFiles("a.txt", ByteString.copyFromUtf8(buildId))))
        .setDockerfile(DockerfileSource.newBuilder().setInline(inlineDockerfile(buildId)))
        .build();
  }

  /** One Dockerfile per build, so that Info's Dockerfile digests tell builds apart. */
  private static String inlineDockerfile(String buildId) {
    return "# " + buildId + "\nFROM scratch\nCOPY a.txt /a\n";
  }

  /** A build that runs until it is cancelled (or for five minutes). */
  private static SolveRequest slowBuild(String buildId, String sessionId) {
    return SolveRequest.newBuilder()
        .setBuildId(buildId)
        .setSessionId(sessionId)
        .setContext(
            BuildContext.newBuilder().setClient(ClientContext.newBuilder().setName("context")))
        .setDockerfile(
            DockerfileSource.newBuilder()
                .setInline("FROM " + Busybox.IN_REGISTRY + "\nCOPY a.txt /a\nRUN sleep 300\n"))
        .build();
  }

  private static SolveEvent drain(Iterator<SolveEvent> events) {
    SolveEvent last = null;
    while (events.hasNext()) {
      last = events.next();
    }
    return last;
  }

  private static StreamObserver<SolveEvent> collect(List<SolveEvent> into) {
    return new StreamObserver<>() {
      @Override
      public void onNext(SolveEvent e) {
        into.add(e);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    };
  }

  private static StatusRuntimeException statusError(String token, String buildId) {
    try {
      drain(control(token).status(StatusRequest.newBuilder().setBuildId(buildId).build()));
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("Status of " + buildId + " answered");
  }

  private static List<String> buildIds(String token) {
    return control(token)
        .listBuilds(ListBuildsRequest.getDefaultInstance())
        .getBuildsList()
        .stream()
        .map(BuildSummary::getBuildId)
        .toList();
  }

  private static BuildSummary summary(String token, String buildId) {
    return control(token)
        .listBuilds(ListBuildsRequest.getDefaultInstance())
        .getBuildsList()
        .stream()
        .filter(b -> b.getBuildId().equals(buildId))
        .findFirst()
        .orElseThrow(() -> new AssertionError(buildId + " is not listed for its owner"));
  }

  private static void awaitState(String token, String buildId, BuildState state)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (buildIds(token).contains(buildId) && summary(token, buildId).getState() == state) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(buildId + " never reached " + state);
  }

  private static void assertCode(Throwable e, Status.Code code) {
    assertThat(Status.fromThrowable(e).getCode()).as("%s", e).isEqualTo(code);
  }

  /** The client's answers, recording every question the builder asked through this session. */
  private static final class Recorder implements BuildSession {
    final List<String> asked = new CopyOnWriteArrayList<>();
    private final LocalSession local;

    Recorder(Path context) {
      this.local =
          LocalSession.builder()
              .context("context", context)
              .credentials(DockerConfig.empty())
              .build();
    }

    @Override
    public ContextFiles context(String name) throws SessionException {
      asked.add("context:" + name);
      return local.context(name);
    }

    @Override
    public Optional<byte[]> secret(String id) throws SessionException {
      asked.add("secret:" + id);
      return local.secret(id);
    }

    @Override
    public Optional<Path> sshAgentSocket(String id) throws SessionException {
      asked.add("ssh:" + id);
      return Optional.empty();
    }

    @Override
    public OutputStream outputStream(OutputDestination dest) throws SessionException {
      asked.add("output");
      return local.outputStream(dest);
    }

    @Override
    public Optional<RegistryCredentials> registryCredentials(String host) throws SessionException {
      asked.add("credentials:" + host);
      return Optional.empty();
    }
  }
}
