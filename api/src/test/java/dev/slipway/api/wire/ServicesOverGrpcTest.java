package dev.slipway.api.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.ControlGrpc;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.control.v1.VertexEvent;
import dev.slipway.api.control.v1.VertexState;
import dev.slipway.api.session.v1.BuilderMessage;
import dev.slipway.api.session.v1.ClientMessage;
import dev.slipway.api.session.v1.Hello;
import dev.slipway.api.session.v1.SecretRequest;
import dev.slipway.api.session.v1.SecretResponse;
import dev.slipway.api.session.v1.SessionGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The generated stubs of both services carry their call shapes: Solve streams events to the caller;
 * Session.Attach lets the server (builder) ask and the client answer.
 */
class ServicesOverGrpcTest {
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .addService(new StreamingControl())
            .addService(new AskingSession())
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void solveStreamsProgressThenTheResult() {
    var events =
        ControlGrpc.newBlockingStub(channel)
            .solve(SolveRequest.newBuilder().setBuildId("b1").build());
    List<SolveEvent> all = new java.util.ArrayList<>();
    events.forEachRemaining(all::add);
    assertThat(all)
        .extracting(SolveEvent::getEventCase)
        .containsExactly(SolveEvent.EventCase.VERTEX, SolveEvent.EventCase.RESULT);
    assertThat(all.get(1).getResult().getImageDigest()).isEqualTo("sha256:done-b1");
  }

  @Test
  void theBuilderAsksOverTheSessionAndTheClientAnswers() throws Exception {
    CompletableFuture<String> secretIdAsked = new CompletableFuture<>();
    CompletableFuture<Void> closed = new CompletableFuture<>();
    AtomicReference<StreamObserver<ClientMessage>> toBuilder = new AtomicReference<>();
    toBuilder.set(
        SessionGrpc.newStub(channel)
            .attach(
                new StreamObserver<>() {
                  @Override
                  public void onNext(BuilderMessage question) {
                    secretIdAsked.complete(question.getSecret().getId());
                    toBuilder
                        .get()
                        .onNext(
                            ClientMessage.newBuilder()
                                .setRequestId(question.getRequestId())
                                .setSecret(
                                    SecretResponse.newBuilder()
                                        .setValue(ByteString.copyFromUtf8("s3cr3t")))
                                .build());
                    toBuilder.get().onCompleted();
                  }

                  @Override
                  public void onError(Throwable t) {
                    closed.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {
                    closed.complete(null);
                  }
                }));
    toBuilder
        .get()
        .onNext(
            ClientMessage.newBuilder()
                .setHello(Hello.newBuilder().setSessionId("s1").addSecretIds("token"))
                .build());
    assertThat(secretIdAsked.get(5, TimeUnit.SECONDS)).isEqualTo("token");
    closed.get(5, TimeUnit.SECONDS);
    assertThat(AskingSession.answered.get(5, TimeUnit.SECONDS)).isEqualTo("s3cr3t");
  }

  private static final class StreamingControl extends ControlGrpc.ControlImplBase {
    @Override
    public void solve(SolveRequest request, StreamObserver<SolveEvent> events) {
      events.onNext(
          SolveEvent.newBuilder()
              .setBuildId(request.getBuildId())
              .setVertex(
                  VertexEvent.newBuilder()
                      .setName("[1/1] RUN true")
                      .setState(VertexState.VERTEX_STATE_DONE))
              .build());
      events.onNext(
          SolveEvent.newBuilder()
              .setBuildId(request.getBuildId())
              .setResult(
                  BuildResult.newBuilder().setImageDigest("sha256:done-" + request.getBuildId()))
              .build());
      events.onCompleted();
    }
  }

  /** Asks the first client that says Hello for the first secret it offers. */
  private static final class AskingSession extends SessionGrpc.SessionImplBase {
    static final CompletableFuture<String> answered = new CompletableFuture<>();

    @Override
    public StreamObserver<ClientMessage> attach(StreamObserver<BuilderMessage> toClient) {
      return new StreamObserver<>() {
        @Override
        public void onNext(ClientMessage message) {
          switch (message.getBodyCase()) {
            case HELLO ->
                toClient.onNext(
                    BuilderMessage.newBuilder()
                        .setRequestId(7)
                        .setSecret(
                            SecretRequest.newBuilder().setId(message.getHello().getSecretIds(0)))
                        .build());
            case SECRET -> {
              assertThat(message.getRequestId()).isEqualTo(7);
              answered.complete(message.getSecret().getValue().toStringUtf8());
            }
            default -> answered.completeExceptionally(new AssertionError(message));
          }
        }

        @Override
        public void onError(Throwable t) {
          answered.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
          toClient.onCompleted();
        }
      };
    }
  }
}
