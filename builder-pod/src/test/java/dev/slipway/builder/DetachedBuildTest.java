package dev.slipway.builder;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.slipway.api.control.v1.BuildContext;
import dev.slipway.api.control.v1.BuildState;
import dev.slipway.api.control.v1.BuildSummary;
import dev.slipway.api.control.v1.ControlGrpc;
import dev.slipway.api.control.v1.DockerfileSource;
import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.api.control.v1.InlineContext;
import dev.slipway.api.control.v1.ListBuildsRequest;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.control.v1.StatusRequest;
import dev.slipway.engine.Engine;
import dev.slipway.engine.EngineConfig;
import dev.slipway.session.auth.CallerSource;
import dev.slipway.testing.Busybox;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What happens to a build when the Solve call that started it is cancelled by its caller: a
 * detached build (the operator's, which may restart mid-build) keeps running and is followed again
 * by Status; any other (the CLI's) is cancelled, so a vanished client never holds a slot.
 */
class DetachedBuildTest {
  private static final String BASE = Busybox.IN_REGISTRY;

  @TempDir Path state;
  private Engine engine;
  private BuilderServer server;
  private ManagedChannel channel;
  private ControlGrpc.ControlBlockingStub control;

  @BeforeEach
  void startBuilder() throws Exception {
    engine = Engine.open(EngineConfig.defaults(state));
    server =
        new BuilderServer(
            engine,
            new BuilderServer.Settings(
                List.of(new InetSocketAddress("127.0.0.1", 0)),
                CallerSource.anyone("tester"),
                Optional.empty(),
                2,
                Optional.empty(),
                Duration.ofSeconds(60),
                Duration.ofSeconds(60),
                "test"));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    control = ControlGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.MINUTES);
  }

  @AfterEach
  void stopBuilder() throws Exception {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.close();
    }
    if (engine != null) {
      engine.close();
    }
  }

  @Test
  void aDetachedBuildOutlivesItsCancelledSolveCall() throws Exception {
    SolveRequest request = slowBuild("detached-1", true);

    solveThenHangUp(request);

    SolveEvent last = followToTheEnd(request.getBuildId());
    assertThat(last.hasResult()).as("the build went on: %s", last).isTrue();
    assertThat(summary(request.getBuildId()).getState())
        .isEqualTo(BuildState.BUILD_STATE_SUCCEEDED);
  }

  @Test
  void anAttachedBuildIsCancelledWhenItsCallerHangsUp() throws Exception {
    SolveRequest request = slowBuild("attached-1", false);

    solveThenHangUp(request);

    SolveEvent last = followToTheEnd(request.getBuildId());
    assertThat(last.hasError()).as("the build was stopped: %s", last).isTrue();
    assertThat(last.getError().getKind()).isEqualTo(ErrorKind.ERROR_KIND_CANCELLED);
    assertThat(last.getError().getMessage())
        .contains("the client that started the build disconnected");
    assertThat(summary(request.getBuildId()).getState())
        .isEqualTo(BuildState.BUILD_STATE_CANCELLED);
  }

  /** A build whose RUN step prints a marker, then takes a while: long enough to hang up on. */
  private static SolveRequest slowBuild(String buildId, boolean detached) {
    String dockerfile = "FROM " + BASE + "\nRUN echo started-" + buildId + " && sleep 2\n";
    return SolveRequest.newBuilder()
        .setBuildId(buildId)
        .setContext(
            BuildContext.newBuilder()
                .setInline(
                    InlineContext.newBuilder()
                        .putFiles("Dockerfile", ByteString.copyFromUtf8(dockerfile))))
        .setDockerfile(DockerfileSource.newBuilder().setPath("Dockerfile"))
        .setDetached(detached)
        .build();
  }

  /** Calls Solve, waits until the RUN step has started, then cancels the call as a client would. */
  private void solveThenHangUp(SolveRequest request) throws InterruptedException {
    String marker = "started-" + request.getBuildId();
    CountDownLatch running = new CountDownLatch(1);
    List<SolveEvent> seen = new ArrayList<>();
    ClientResponseObserver<SolveRequest, SolveEvent> caller =
        new ClientResponseObserver<>() {
          private ClientCallStreamObserver<SolveRequest> call;

          @Override
          public void beforeStart(ClientCallStreamObserver<SolveRequest> call) {
            this.call = call;
          }

          @Override
          public void onNext(SolveEvent event) {
            synchronized (seen) {
              seen.add(event);
            }
            if (event.hasLog() && event.getLog().getData().toStringUtf8().contains(marker)) {
              call.cancel("the test hangs up", null);
              running.countDown();
            }
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        };
    ControlGrpc.newStub(channel).solve(request, caller);
    boolean started = running.await(90, TimeUnit.SECONDS);
    synchronized (seen) {
      assertThat(started).as("the RUN step started; events so far: %s", seen).isTrue();
    }
  }

  private SolveEvent followToTheEnd(String buildId) {
    SolveEvent last = null;
    var events = control.status(StatusRequest.newBuilder().setBuildId(buildId).build());
    while (events.hasNext()) {
      last = events.next();
    }
    return last;
  }

  private BuildSummary summary(String buildId) {
    return control.listBuilds(ListBuildsRequest.getDefaultInstance()).getBuildsList().stream()
        .filter(b -> b.getBuildId().equals(buildId))
        .findFirst()
        .orElseThrow();
  }
}
