package dev.slipway.builder;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.slipway.api.control.v1.BuildContext;
import dev.slipway.api.control.v1.ControlGrpc;
import dev.slipway.api.control.v1.DockerfileSource;
import dev.slipway.api.control.v1.InlineContext;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build that ended while its client was slow to read (as after a drain): closing the server lets
 * the client read the result to the end within the grace, rather than cutting it off after {@link
 * BuilderServer#STREAMS_GRACE}, which would make the operator run the build again.
 */
class BuilderServerCloseTest {
  @TempDir Path state;

  @Test
  void aSlowClientStillGetsTheResultOfABuildThatEndedBeforeTheClose() throws Exception {
    try (Engine engine = Engine.open(EngineConfig.defaults(state))) {
      BuilderServer server =
          new BuilderServer(
              engine,
              new BuilderServer.Settings(
                  List.of(new InetSocketAddress("127.0.0.1", 0)),
                  CallerSource.anyone("tester"),
                  Optional.empty(),
                  1,
                  Optional.empty(),
                  Duration.ofSeconds(60),
                  Duration.ofSeconds(60),
                  "test"));
      // a small window, so that a client that does not read leaves the log queued in the server
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", server.port())
              .usePlaintext()
              .flowControlWindow(64 * 1024)
              .build();
      try {
        AtomicReference<ClientCallStreamObserver<SolveRequest>> call = new AtomicReference<>();
        AtomicReference<SolveEvent> last = new AtomicReference<>();
        CompletableFuture<Void> ended = new CompletableFuture<>();
        ControlGrpc.newStub(channel)
            .solve(
                loudBuild(),
                new ClientResponseObserver<SolveRequest, SolveEvent>() {
                  @Override
                  public void beforeStart(ClientCallStreamObserver<SolveRequest> c) {
                    c.disableAutoRequestWithInitial(1);
                    call.set(c);
                  }

                  @Override
                  public void onNext(SolveEvent event) {
                    last.set(event);
                  }

                  @Override
                  public void onError(Throwable t) {
                    ended.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {
                    ended.complete(null);
                  }
                });
        long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (server.slots().all().isEmpty() || server.slots().running() > 0) {
          assertThat(System.nanoTime() - until).as("the build ends").isNegative();
          Thread.sleep(50);
        }
        assertThat(ended).as("the client has not read the log yet").isNotDone();

        Thread closing =
            Thread.ofPlatform().start(() -> closeQuietly(server, Duration.ofSeconds(20)));
        Thread.sleep(BuilderServer.STREAMS_GRACE.toMillis() + 1000); // a slow client
        call.get().request(Integer.MAX_VALUE);

        ended.get(30, TimeUnit.SECONDS); // throws if the stream was cut off
        assertThat(last.get().hasResult()).as("the last event: %s", last.get()).isTrue();
        closing.join(30_000);
      } finally {
        channel.shutdownNow();
        server.close(Duration.ofSeconds(2));
      }
    }
  }

  /** A build whose log is far larger than the client's flow-control window. */
  private static SolveRequest loudBuild() {
    String dockerfile =
        "FROM " + Busybox.IN_REGISTRY + "\nRUN head -c 1000000 /dev/zero | tr '\\0' a\n";
    return SolveRequest.newBuilder()
        .setBuildId("loud-1")
        .setContext(
            BuildContext.newBuilder()
                .setInline(
                    InlineContext.newBuilder()
                        .putFiles("Dockerfile", ByteString.copyFromUtf8(dockerfile))))
        .setDockerfile(DockerfileSource.newBuilder().setPath("Dockerfile"))
        .build();
  }

  private static void closeQuietly(BuilderServer server, Duration grace) {
    try {
      server.close(grace);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
