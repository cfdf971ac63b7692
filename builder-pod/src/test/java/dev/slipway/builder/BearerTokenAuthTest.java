package dev.slipway.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The token check in front of a service (here the health service, whose answer is known). */
class BearerTokenAuthTest {
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void serve() throws Exception {
    String name = InProcessServerBuilder.generateName();
    HealthStatusManager health = new HealthStatusManager();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(
                ServerInterceptors.intercept(
                    health.getHealthService(), new BearerTokenAuth("s3cret")))
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
  void aCallWithTheTokenGoesThrough() {
    assertThat(check("Bearer s3cret").getStatus()).isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void aCallWithoutATokenIsToldToPassOne() {
    assertThatThrownBy(() -> HealthGrpc.newBlockingStub(channel).check(request()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED))
        .hasMessageContaining("requires a token: pass --token-file");
  }

  @Test
  void aWrongTokenIsRefusedWithoutEchoingIt() {
    for (String wrong :
        new String[] {"Bearer guess", "s3cret", "Bearer s3cret ", "bearer s3cret"}) {
      assertThatThrownBy(() -> check(wrong))
          .as(wrong)
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED))
          .hasMessageContaining("not this builder's")
          .hasMessageNotContaining(wrong.trim());
    }
  }

  private io.grpc.health.v1.HealthCheckResponse check(String authorization) {
    Metadata headers = new Metadata();
    headers.put(BearerTokenAuth.AUTHORIZATION, authorization);
    return HealthGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .check(request());
  }

  private static HealthCheckRequest request() {
    return HealthCheckRequest.getDefaultInstance();
  }
}
