package dev.slipway.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.session.auth.Caller;
import dev.slipway.session.auth.CallerSource;
import dev.slipway.session.auth.GrantScope;
import dev.slipway.session.builder.CallerAuth;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.MetadataUtils;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The caller check in front of a service (here the health service, whose answer is known), with the
 * dev token as its source; grants are checked the same way (HostileSessionIT).
 */
class CallerAuthTest {
  private final List<Caller> seen = new CopyOnWriteArrayList<>();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void serve() throws Exception {
    String name = InProcessServerBuilder.generateName();
    HealthStatusManager health = new HealthStatusManager();
    CallerSource token = CallerSource.sharedToken("s3cret", "local");
    CallerSource recording =
        t -> {
          Caller c = token.authenticate(t);
          seen.add(c);
          return c;
        };
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(
                ServerInterceptors.intercept(health.getHealthService(), new CallerAuth(recording)))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void aCallWithTheTokenGoesThroughAsTheLocalUser() {
    assertThat(check("Bearer s3cret").getStatus()).isEqualTo(ServingStatus.SERVING);
    assertThat(seen).extracting(Caller::principal).containsExactly("local");
  }

  @Test
  void aCallWithoutATokenIsToldToPassOne() {
    for (String none : new String[] {null, "s3cret", "bearer s3cret", "Basic czNjcmV0"}) {
      assertThatThrownBy(() -> check(none))
          .as("%s", none)
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED))
          .hasMessageContaining("requires a token: pass --token-file");
    }
  }

  @Test
  void aWrongTokenIsRefusedWithoutEchoingIt() {
    for (String wrong : new String[] {"Bearer guess-value", "Bearer s3cret ", "Bearer "}) {
      assertThatThrownBy(() -> check(wrong))
          .as(wrong)
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED))
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("guess-value"));
    }
  }

  @Test
  void eachServiceLetsInOnlyCallersHoldingOneOfItsScopes() throws Exception {
    Caller peer = new Caller("p", Set.of(GrantScope.PEER), Optional.of("b"));
    Caller build = new Caller("u", Set.of(GrantScope.BUILD, GrantScope.ADMIN), Optional.empty());
    assertThatThrownBy(() -> checkThrough(new CallerAuth(t -> peer)))
        .as("Control and Session (the default) refuse a PEER grant")
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED))
        .hasMessageContaining("[PEER]");
    assertThatThrownBy(() -> checkThrough(new CallerAuth(t -> build, Set.of(GrantScope.PEER))))
        .as("PeerCache refuses BUILD and ADMIN grants")
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThat(checkThrough(new CallerAuth(t -> peer, Set.of(GrantScope.PEER))).getStatus())
        .isEqualTo(ServingStatus.SERVING);
  }

  /** The health check through a server guarded by {@code auth}. */
  private io.grpc.health.v1.HealthCheckResponse checkThrough(CallerAuth auth) throws Exception {
    String name = InProcessServerBuilder.generateName();
    Server guarded =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(
                ServerInterceptors.intercept(new HealthStatusManager().getHealthService(), auth))
            .build()
            .start();
    ManagedChannel to = InProcessChannelBuilder.forName(name).directExecutor().build();
    try {
      return HealthGrpc.newBlockingStub(to).check(HealthCheckRequest.getDefaultInstance());
    } finally {
      to.shutdownNow();
      guarded.shutdownNow();
    }
  }

  private io.grpc.health.v1.HealthCheckResponse check(String authorization) {
    var stub = HealthGrpc.newBlockingStub(channel);
    if (authorization != null) {
      Metadata headers = new Metadata();
      headers.put(CallerAuth.AUTHORIZATION, authorization);
      stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
    return stub.check(HealthCheckRequest.getDefaultInstance());
  }
}
