package dev.slipway.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.control.v1.BuildContext;
import dev.slipway.api.control.v1.BuildSummary;
import dev.slipway.api.control.v1.DockerfileSource;
import dev.slipway.api.control.v1.InlineContext;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.operator.auth.BuilderAccess;
import dev.slipway.operator.auth.CertificateAuthority;
import dev.slipway.operator.auth.GrantCredentials;
import dev.slipway.operator.auth.ServerCertificate;
import dev.slipway.operator.control.BuilderClient;
import dev.slipway.operator.control.BuilderPod;
import dev.slipway.operator.control.NettyBuilderChannels;
import dev.slipway.session.auth.GrantSigner;
import dev.slipway.testing.BuilderProcess;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operator-minted credentials against a real builder process, configured as the operator configures
 * a builder pod (its grant public key and audience, a server certificate from the Builder's CA): a
 * grant works for its own build on its own Builder and nothing else, and a caller that does not
 * hold the Builder's CA does not get a connection.
 */
class HostileGrantIT {

  private static final Path REPO = Path.of(System.getProperty("slipway.root", "..")).normalize();
  private static final String AUDIENCE = "slipway-builder:team-a/pool";
  private static final String HOST = "pool-0.pool.team-a.svc";

  @TempDir static Path work;
  static BuilderProcess builder;
  static GrantSigner signer;
  static CertificateAuthority ca;
  private final NettyBuilderChannels channels = new NettyBuilderChannels();
  private final BuilderClient client = new BuilderClient(channels);

  @BeforeAll
  static void startBuilder() throws Exception {
    signer = GrantSigner.generate();
    ca = CertificateAuthority.generate("test builder CA", Duration.ofDays(1));
    ServerCertificate server =
        ca.issue(
            "pool.team-a.svc",
            List.of("*.pool.team-a.svc", "localhost"),
            List.of("127.0.0.1"),
            Duration.ofDays(1));
    Path pub = Files.writeString(work.resolve("auth.pub"), signer.publicKeyPem());
    Path cert = Files.writeString(work.resolve("tls.crt"), server.certificatePem());
    Path key = Files.writeString(work.resolve("tls.key"), server.privateKeyPem());
    builder =
        BuilderProcess.start(
            REPO,
            work.resolve("state"),
            List.of(
                "--auth-public-key", pub.toString(),
                "--auth-audience", AUDIENCE,
                "--tls-cert", cert.toString(),
                "--tls-key", key.toString()),
            Map.of());
  }

  @AfterAll
  static void stopBuilder() throws InterruptedException {
    if (builder != null) {
      builder.close();
    }
  }

  @AfterEach
  void closeChannels() {
    channels.close();
  }

  @Test
  void aGrantForOneBuildCannotSolveAnother() throws Exception {
    BuilderPod pod = pod(access(signer, AUDIENCE, ca));
    GrantCredentials forX = pod.access().grant("buildrequest:team-a/x", "x-1", inTenMinutes());

    Throwable refused = solve(pod, "y-1", forX).handle((e, t) -> t).get(30, TimeUnit.SECONDS);

    assertThat(Status.fromThrowable(refused).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(Status.fromThrowable(refused).getDescription())
        .contains("this grant is for build x-1, not y-1")
        .doesNotContain(forX.token());
    assertThat(client.listBuilds(pod).getBuildsList())
        .extracting(BuildSummary::getBuildId)
        .as("nothing ran for y-1")
        .doesNotContain("y-1");

    SolveEvent own = solve(pod, "x-1", forX).get(120, TimeUnit.SECONDS);
    assertThat(own.hasResult()).as("the same grant runs its own build: " + own).isTrue();
  }

  @Test
  void aGrantSignedWithAnotherBuildersKeyIsRefused() {
    BuilderPod pod = pod(access(GrantSigner.generate(), AUDIENCE, ca));

    assertThatThrownBy(() -> client.listBuilds(pod))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
  }

  @Test
  void aGrantForAnotherBuilderIsRefused() {
    BuilderPod pod = pod(access(signer, "slipway-builder:team-a/other", ca));

    assertThatThrownBy(() -> client.info(pod))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
  }

  @Test
  void aCallerThatDoesNotTrustTheBuildersCaGetsNoConnection() {
    CertificateAuthority other = CertificateAuthority.generate("other CA", Duration.ofDays(1));
    BuilderPod pod = pod(access(signer, AUDIENCE, other));

    assertThatThrownBy(() -> client.info(pod))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(client.info(pod(access(signer, AUDIENCE, ca))).getMaxParallelBuilds())
        .as("the Builder's own CA and grant are answered")
        .isPositive();
  }

  private CompletableFuture<SolveEvent> solve(
      BuilderPod pod, String buildId, GrantCredentials grant) {
    CompletableFuture<SolveEvent> last = new CompletableFuture<>();
    SolveRequest request =
        SolveRequest.newBuilder()
            .setBuildId(buildId)
            .setContext(
                BuildContext.newBuilder().setInline(InlineContext.newBuilder().build()).build())
            .setDockerfile(DockerfileSource.newBuilder().setInline("FROM scratch\n"))
            .build();
    client.solve(
        pod,
        request,
        grant,
        new StreamObserver<>() {
          SolveEvent latest;

          @Override
          public void onNext(SolveEvent event) {
            latest = event;
          }

          @Override
          public void onError(Throwable t) {
            last.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            last.complete(latest);
          }
        });
    return last;
  }

  private static BuilderPod pod(BuilderAccess access) {
    return new BuilderPod("pool-0", "127.0.0.1:" + builder.port(), HOST, true, false, access);
  }

  private static BuilderAccess access(
      GrantSigner signer, String audience, CertificateAuthority ca) {
    return new BuilderAccess(signer, audience, ca.certificatePem(), Clock.systemUTC());
  }

  private static Instant inTenMinutes() {
    return Instant.now().plus(Duration.ofMinutes(10));
  }
}
