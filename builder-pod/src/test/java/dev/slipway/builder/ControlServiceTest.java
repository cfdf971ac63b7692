package dev.slipway.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.slipway.api.control.v1.BuildContext;
import dev.slipway.api.control.v1.BuildState;
import dev.slipway.api.control.v1.BuildSummary;
import dev.slipway.api.control.v1.CancelRequest;
import dev.slipway.api.control.v1.ControlGrpc;
import dev.slipway.api.control.v1.DiskUsageRequest;
import dev.slipway.api.control.v1.DockerfileSource;
import dev.slipway.api.control.v1.FrontendCall;
import dev.slipway.api.control.v1.InfoRequest;
import dev.slipway.api.control.v1.InfoResponse;
import dev.slipway.api.control.v1.InlineContext;
import dev.slipway.api.control.v1.ListBuildsRequest;
import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.OutputType;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.control.v1.StatusRequest;
import dev.slipway.engine.Engine;
import dev.slipway.engine.EngineConfig;
import dev.slipway.engine.content.Platform;
import dev.slipway.session.auth.CallerSource;
import dev.slipway.session.builder.CallerAuth;
import dev.slipway.session.builder.SessionRegistry;
import dev.slipway.testing.Busybox;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Control service over an in-process channel, around a real engine; its builds copy files into
 * {@code scratch}, so they need no registry and no OCI runtime.
 */
class ControlServiceTest {
  @TempDir Path state;
  private Engine engine;
  private BuildSlots slots;
  private BuilderMetrics metrics;
  private final ExecutorService buildThreads = Executors.newCachedThreadPool();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private Server server;
  private ManagedChannel channel;
  private ControlGrpc.ControlBlockingStub control;

  @BeforeEach
  void serve() throws Exception {
    engine = Engine.open(EngineConfig.defaults(state));
    slots = new BuildSlots(2);
    SessionRegistry sessions = new SessionRegistry();
    metrics = new BuilderMetrics(slots::running, sessions::active);
    ControlService service =
        new ControlService(
            engine, slots, sessions, metrics, buildThreads, timer, "1.2.3", Duration.ofSeconds(60));
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .addService(
                ServerInterceptors.intercept(
                    service, new CallerAuth(CallerSource.anyone("tester"))))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).build();
    control = ControlGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.MINUTES);
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow();
    server.shutdownNow();
    buildThreads.shutdown();
    buildThreads.awaitTermination(30, TimeUnit.SECONDS);
    timer.shutdownNow();
    engine.close();
  }

  @Test
  void infoDescribesTheBuilder() {
    InfoResponse info = control.info(InfoRequest.getDefaultInstance());

    assertThat(info.getVersion()).isEqualTo("1.2.3");
    assertThat(info.getMaxParallelBuilds()).isEqualTo(2);
    assertThat(info.getActiveBuilds()).isZero();
    assertThat(info.getSnapshotter()).isEqualTo(engine.snapshotterName());
    // its own platform first, then what this machine runs under QEMU (.ci/emulation.sh: arm64)
    assertThat(info.getPlatformsList().getFirst()).isEqualTo(Platform.host().toString());
    assertThat(info.getPlatformsList())
        .containsExactlyElementsOf(
            java.util.stream.Stream.concat(
                    java.util.stream.Stream.of(Platform.host().toString()),
                    dev.slipway.engine.exec.Emulation.emulated().stream().map(Object::toString))
                .toList());
    assertThat(info.getPlatformsList()).contains("linux/arm64");
    assertThat(info.getRecentContextKeysList()).isEmpty();
    assertThat(info.getDraining()).isFalse();
  }

  @Test
  void aBuildStreamsItsEventsToItsResultAndIsThenListedAndReplayed() {
    List<SolveEvent> events = solve(build("ok-1", "ctx-a", "FROM scratch\nCOPY a.txt /a.txt\n"));

    SolveEvent last = events.getLast();
    assertThat(last.hasResult()).as("%s", last).isTrue();
    assertThat(events).allSatisfy(e -> assertThat(e.getBuildId()).isEqualTo("ok-1"));
    BuildSummary summary = summary("ok-1");
    assertThat(summary.getState()).isEqualTo(BuildState.BUILD_STATE_SUCCEEDED);
    assertThat(summary.getContextKey()).isEqualTo("ctx-a");
    assertThat(summary.getStepsDone()).isPositive();
    assertThat(slots.running()).isZero();

    assertThat(status("ok-1")).as("Status replays the build").isEqualTo(events);
    assertThat(control.info(InfoRequest.getDefaultInstance()).getRecentContextKeysList())
        .containsExactly("ctx-a");
    assertThat(metrics.scrape()).contains("slipway_builds_total{result=\"succeeded\"} 1.0");
    assertThat(control.cancel(CancelRequest.newBuilder().setBuildId("ok-1").build()).getCancelled())
        .as("a finished build cannot be cancelled")
        .isFalse();
  }

  @Test
  void anotherCallerCannotReuseTheIdOfAFinishedBuildAfterTheBuilderForgotIt() throws Exception {
    List<SolveEvent> first = solve(build("kept-1", "ctx-a", "FROM scratch\nCOPY a.txt /a.txt\n"));
    assertThat(first.getLast().hasResult()).isTrue();
    var kept = engine.history().read("kept-1").orElseThrow();

    // the same state directory after a restart: the slots know no build, only the history does
    String name = InProcessServerBuilder.generateName();
    Server restarted =
        InProcessServerBuilder.forName(name)
            .addService(
                ServerInterceptors.intercept(
                    new ControlService(
                        engine,
                        new BuildSlots(2),
                        new SessionRegistry(),
                        metrics,
                        buildThreads,
                        timer,
                        "1.2.3",
                        Duration.ofSeconds(60)),
                    new CallerAuth(CallerSource.anyone("mallory"))))
            .build()
            .start();
    ManagedChannel toRestarted = InProcessChannelBuilder.forName(name).build();
    try {
      var mallory = ControlGrpc.newBlockingStub(toRestarted).withDeadlineAfter(2, TimeUnit.MINUTES);
      assertThatThrownBy(
              () -> drain(mallory.solve(build("kept-1", "", "FROM scratch\nCOPY a.txt /m.txt\n"))))
          .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.ALREADY_EXISTS))
          .hasMessageContaining("choose a new build_id");
    } finally {
      toRestarted.shutdownNow();
      restarted.shutdownNow();
    }

    assertThat(engine.history().read("kept-1")).as("the first owner's record").contains(kept);
  }

  @Test
  void infoSummarizesTheCacheOfRecentBuildsNewestFirst() throws Exception {
    String pulling = "FROM " + Busybox.IN_REGISTRY + "\nCOPY a.txt /a.txt\n";
    String scratch = "FROM scratch\nCOPY a.txt /b.txt\n";
    SolveEvent first = solve(build("cache-1", "ctx-a", pulling)).getLast();
    SolveEvent second = solve(build("cache-2", "ctx-b", scratch)).getLast();
    assertThat(first.hasResult()).as("%s", first).isTrue();
    assertThat(second.hasResult()).as("%s", second).isTrue();
    assertThat(first.getResult().getBaseImagesList()).containsExactly(Busybox.IN_REGISTRY);
    assertThat(second.getResult().getBaseImagesList()).as("scratch is no image").isEmpty();

    InfoResponse info = control.info(InfoRequest.getDefaultInstance());

    assertThat(info.getRecentContextKeysList()).containsExactly("ctx-b", "ctx-a");
    assertThat(info.getRecentDockerfileDigestsList())
        .as("sha256 hex of the Dockerfiles' bytes, newest first")
        .containsExactly(sha256(scratch), sha256(pulling));
    assertThat(info.getBaseImagesList()).containsExactly(Busybox.IN_REGISTRY);
  }

  private static String sha256(String text) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(
            java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Test
  void aFrontendCallIsAnsweredInTheResultWithoutRunningAStep() throws Exception {
    String dockerfile =
        "# base the first stage\nFROM scratch AS base\n# V the version\nARG V=1\n"
            + "COPY a.txt /\nmaintainer me\n";
    SolveEvent check =
        solve(
                build("call-1", "", dockerfile).toBuilder()
                    .setCall(FrontendCall.FRONTEND_CALL_CHECK)
                    .build())
            .getLast();
    assertThat(check.getResult().getCall().getStatusCode()).isEqualTo(1);
    assertThat(check.getResult().getCall().getJson())
        .contains("\"ruleName\": \"MaintainerDeprecated\"");
    assertThat(check.getResult().getCall().getText())
        .contains("WARNING: MaintainerDeprecated - https://docs.docker.com/go/dockerfile/rule/");
    SolveEvent outline =
        solve(
                build("call-2", "", dockerfile).toBuilder()
                    .setCall(FrontendCall.FRONTEND_CALL_OUTLINE)
                    .build())
            .getLast();
    assertThat(outline.getResult().getCall().getText())
        .isEqualTo(
            "TARGET:      base\nDESCRIPTION: the first stage\n\n"
                + "BUILD ARG   VALUE   DESCRIPTION\nV           1       the version\n\n");
    List<SolveEvent> targets =
        solve(
            build("call-3", "", dockerfile).toBuilder()
                .setCall(FrontendCall.FRONTEND_CALL_TARGETS)
                .build());
    assertThat(targets.getLast().getResult().getCall().getText())
        .isEqualTo("TARGET         DESCRIPTION\nbase (default) the first stage\n");
    assertThat(targets).noneMatch(SolveEvent::hasVertex);
    assertThat(summary("call-3").getState()).isEqualTo(BuildState.BUILD_STATE_SUCCEEDED);
  }

  @Test
  void aFailingBuildEndsWithItsErrorAndIsListedAsFailed() {
    List<SolveEvent> events =
        solve(build("bad-1", "", "FROM scratch\nCOPY missing.txt /missing.txt\n"));

    SolveEvent last = events.getLast();
    assertThat(last.hasError()).as("%s", last).isTrue();
    assertThat(last.getError().getMessage()).contains("missing.txt");
    assertThat(summary("bad-1").getState()).isEqualTo(BuildState.BUILD_STATE_FAILED);
    assertThat(metrics.scrape()).contains("slipway_builds_total{result=\"failed\"} 1.0");
  }

  @Test
  void aDrainingBuilderSaysSoAndRefusesNewBuildsWhileEarlierOnesStayVisible() {
    solve(build("before-1", "ctx-a", "FROM scratch\nCOPY a.txt /a.txt\n"));
    slots.drain();

    assertThat(control.info(InfoRequest.getDefaultInstance()).getDraining()).isTrue();
    assertThatThrownBy(() -> solve(build("after-1", "", "FROM scratch\n")))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.UNAVAILABLE))
        .hasMessageContaining("draining")
        .hasMessageContaining("another builder pod");
    assertThat(slots.get("after-1")).isEmpty();
    assertThat(status("before-1").getLast().hasResult()).as("Status still answers").isTrue();
  }

  @Test
  void aRequestTheBuilderCannotServeIsRefusedBeforeItTakesASlot() {
    SolveRequest toBuilderPath =
        build("path-1", "", "FROM scratch\n").toBuilder()
            .addOutputs(Output.newBuilder().setType(OutputType.OUTPUT_TYPE_TAR).setDest("/x.tar"))
            .build();
    assertThatThrownBy(() -> solve(toBuilderPath))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT))
        .hasMessageContaining("on the builder");

    assertThatThrownBy(() -> solve(build("", "", "FROM scratch\n")))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT))
        .hasMessageContaining("no build_id");

    assertThat(control.listBuilds(ListBuildsRequest.getDefaultInstance()).getBuildsList())
        .isEmpty();
  }

  @Test
  void anUnknownBuildIsNotFoundAndCannotBeCancelled() {
    assertThatThrownBy(() -> status("nope"))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.NOT_FOUND))
        .hasMessageContaining("no build nope on this builder");
    assertThat(control.cancel(CancelRequest.newBuilder().setBuildId("nope").build()).getCancelled())
        .isFalse();
  }

  @Test
  void diskUsageAnswersWithoutFiltersAndRefusesThem() {
    assertThat(control.diskUsage(DiskUsageRequest.getDefaultInstance()).getTotalBytes())
        .isNotNegative();
    assertThatThrownBy(
            () -> control.diskUsage(DiskUsageRequest.newBuilder().addFilters("type=x").build()))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.UNIMPLEMENTED));
  }

  private List<SolveEvent> solve(SolveRequest request) {
    return drain(control.solve(request));
  }

  private List<SolveEvent> status(String buildId) {
    return drain(control.status(StatusRequest.newBuilder().setBuildId(buildId).build()));
  }

  private static List<SolveEvent> drain(Iterator<SolveEvent> events) {
    List<SolveEvent> all = new ArrayList<>();
    events.forEachRemaining(all::add);
    return all;
  }

  private BuildSummary summary(String buildId) {
    return control.listBuilds(ListBuildsRequest.getDefaultInstance()).getBuildsList().stream()
        .filter(b -> b.getBuildId().equals(buildId))
        .findFirst()
        .orElseThrow();
  }

  private static Status.Code code(Throwable e) {
    return ((StatusRuntimeException) e).getStatus().getCode();
  }

  private static SolveRequest build(String buildId, String contextKey, String dockerfile) {
    return SolveRequest.newBuilder()
        .setBuildId(buildId)
        .setContextKey(contextKey)
        .setContext(
            BuildContext.newBuilder()
                .setInline(
                    InlineContext.newBuilder()
                        .putFiles("Dockerfile", ByteString.copyFromUtf8(dockerfile))
                        .putFiles("a.txt", ByteString.copyFromUtf8("a\n"))))
        .setDockerfile(DockerfileSource.newBuilder().setPath("Dockerfile"))
        .build();
  }
}
