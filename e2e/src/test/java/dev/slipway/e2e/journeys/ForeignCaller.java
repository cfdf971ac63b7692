package dev.slipway.e2e.journeys;

import static dev.slipway.e2e.SlipwayInstallation.BUILDER;
import static dev.slipway.e2e.SlipwayInstallation.BUILDER_PORT;
import static dev.slipway.e2e.journeys.BuildsNamespace.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.slipway.api.control.v1.BuildSummary;
import dev.slipway.api.control.v1.CancelRequest;
import dev.slipway.api.control.v1.ControlGrpc;
import dev.slipway.api.control.v1.ListBuildsRequest;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.StatusRequest;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.SlipwayResources;
import dev.slipway.api.session.v1.BuilderMessage;
import dev.slipway.api.session.v1.ClientMessage;
import dev.slipway.api.session.v1.Hello;
import dev.slipway.api.session.v1.Pong;
import dev.slipway.api.session.v1.SessionGrpc;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Another user's client of the builder pod, speaking gRPC to it directly as a hostile client would:
 * with the grant of that user's own running build, read from its session Secret, over TLS that
 * trusts the Builder's CA and checks the pod's DNS name (as the CLI's tunnel does). It tries
 * Status, Cancel and ListBuilds on another build and attaches a session under the other build's
 * session id, recording whatever the builder asks of it.
 */
final class ForeignCaller implements AutoCloseable {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final ManagedChannel transport;
  private final Channel channel;
  private final String ownBuildId;
  private final List<BuilderMessage> asked = new CopyOnWriteArrayList<>();
  private volatile Throwable attachEnd;

  private ForeignCaller(ManagedChannel transport, String token, String ownBuildId) {
    this.transport = transport;
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + token);
    this.channel =
        ClientInterceptors.intercept(transport, MetadataUtils.newAttachHeadersInterceptor(headers));
    this.ownBuildId = ownBuildId;
  }

  /** The caller of {@code own}, a running BuildRequest, with the grant of its session Secret. */
  static ForeignCaller of(KubernetesClient client, BuildRequest own) throws Exception {
    Secret secret =
        client.secrets().inNamespace(NAMESPACE).withName(own.getStatus().getSessionSecret()).get();
    String buildId = own.getStatus().getBuildId();
    assertThat(value(secret, SlipwayResources.SESSION_BUILD_ID_KEY))
        .as("the session Secret holds the grant of this attempt")
        .isEqualTo(buildId);
    ManagedChannel transport =
        NettyChannelBuilder.forAddress("127.0.0.1", BUILDER_PORT, tls(secret))
            .overrideAuthority(
                SlipwayResources.builderPodHost(
                    own.getStatus().getBuilderPod(), BUILDER, NAMESPACE))
            .build();
    return new ForeignCaller(
        transport, value(secret, SlipwayResources.SESSION_TOKEN_KEY).trim(), buildId);
  }

  /**
   * With this caller's grant, {@code other}'s build cannot be watched, cancelled or listed; the
   * grant itself works (its own build is listed and watched), so each refusal is about {@code
   * other}. Attaches a session under {@code other}'s session id, kept until {@link #close()}.
   */
  void assertCannotReach(BuildRequest other) {
    String otherId = other.getStatus().getBuildId();
    ControlGrpc.ControlBlockingStub control = ControlGrpc.newBlockingStub(channel);

    assertThat(firstStatusEvent(control, ownBuildId))
        .as("this caller's grant works for its own build")
        .isNotNull();

    List<SolveEvent> seen = new ArrayList<>();
    StatusRuntimeException status =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                control
                    .status(StatusRequest.newBuilder().setBuildId(otherId).build())
                    .forEachRemaining(seen::add));
    assertThat(status).as("Status of another user's build").isNotNull();
    assertRefused(status);
    assertThat(seen).as("no event of another user's build").isEmpty();

    try {
      assertThat(
              control
                  .cancel(
                      CancelRequest.newBuilder()
                          .setBuildId(otherId)
                          .setReason("a hostile cancel")
                          .build())
                  .getCancelled())
          .as("Cancel of another user's build")
          .isFalse();
    } catch (StatusRuntimeException e) {
      assertRefused(e);
    }

    assertThat(
            control.listBuilds(ListBuildsRequest.getDefaultInstance()).getBuildsList().stream()
                .map(BuildSummary::getBuildId))
        .as("ListBuilds shows only this caller's build")
        .containsOnly(ownBuildId);

    attachAs(other.getSpec().getContext().getClient().getSessionId());
  }

  /** After {@code other}'s build ended: the session attached under its id was asked nothing. */
  void assertAttachedSessionServedNothing() {
    assertThat(asked)
        .as(
            "what the builder asked of the session attached under another build's session id"
                + " (the attach ended with %s)",
            attachEnd)
        .isEmpty();
  }

  private void attachAs(String sessionId) {
    RecordingSession session = new RecordingSession();
    session.start(SessionGrpc.newStub(channel), sessionId);
  }

  /** A session that answers pings and records every other message the builder sends it. */
  private final class RecordingSession implements StreamObserver<BuilderMessage> {
    private StreamObserver<ClientMessage> out;

    synchronized void start(SessionGrpc.SessionStub stub, String sessionId) {
      out = stub.attach(this);
      out.onNext(
          ClientMessage.newBuilder()
              .setHello(
                  Hello.newBuilder()
                      .setSessionId(sessionId)
                      .addContexts("context")
                      .addSecretIds("token")
                      .setServesCredentials(true)
                      .setClientVersion("hostile-e2e"))
              .build());
    }

    @Override
    public synchronized void onNext(BuilderMessage message) {
      if (message.hasPing()) {
        out.onNext(
            ClientMessage.newBuilder()
                .setPong(Pong.newBuilder().setNonce(message.getPing().getNonce()))
                .build());
      } else {
        asked.add(message);
      }
    }

    @Override
    public void onError(Throwable t) {
      attachEnd = t;
    }

    @Override
    public void onCompleted() {
      attachEnd = new IllegalStateException("completed by the builder");
    }
  }

  /** The first event Status streams for {@code buildId}, then the call is cancelled. */
  private static SolveEvent firstStatusEvent(ControlGrpc.ControlBlockingStub control, String id) {
    Context.CancellableContext call = Context.current().withCancellation();
    try {
      return call.call(
          () -> {
            Iterator<SolveEvent> events =
                control.status(StatusRequest.newBuilder().setBuildId(id).build());
            return events.hasNext() ? events.next() : null;
          });
    } catch (Exception e) {
      throw new AssertionError("Status of the caller's own build " + id + " failed: " + e, e);
    } finally {
      call.cancel(null);
    }
  }

  private static void assertRefused(StatusRuntimeException e) {
    assertThat(e.getStatus().getCode())
        .as("%s", e.getStatus())
        .isIn(Status.Code.NOT_FOUND, Status.Code.PERMISSION_DENIED);
  }

  private static TlsChannelCredentials tls(Secret secret) throws Exception {
    return (TlsChannelCredentials)
        TlsChannelCredentials.newBuilder()
            .trustManager(
                new ByteArrayInputStream(
                    value(secret, SlipwayResources.SESSION_CA_KEY)
                        .getBytes(StandardCharsets.US_ASCII)))
            .build();
  }

  private static String value(Secret secret, String key) {
    assertThat(secret).as("the caller's session Secret").isNotNull();
    String encoded = secret.getData().get(key);
    assertThat(encoded).as("key %s of the session Secret", key).isNotNull();
    return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    transport.shutdownNow();
  }
}
