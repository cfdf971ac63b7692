package dev.slipway.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.control.v1.ControlGrpc;
import dev.slipway.api.control.v1.InfoRequest;
import dev.slipway.session.auth.BuildGrant;
import dev.slipway.session.auth.GrantScope;
import dev.slipway.session.auth.GrantSigner;
import dev.slipway.testing.BuilderProcess;
import dev.slipway.testing.Command;
import dev.slipway.testing.TestCertificates;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptors;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real builder process refuses to serve unauthenticated or in clear where that would expose it:
 * it exits before it listens, and a TLS builder does not talk to a plaintext client.
 */
@Timeout(180)
class HostileBuilderStartIT {
  private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();

  @TempDir Path work;

  @Test
  void withoutAuthenticationOnANonLoopbackAddressTheBuilderExitsBeforeListening() {
    Command.Result r =
        builder("--listen", "0.0.0.0:0", "--state", state(), "--insecure-no-auth").run();

    assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
    assertThat(r.stderr())
        .contains("--insecure-no-auth serves anyone who can connect")
        .contains("not 0.0.0.0");
    assertThat(r.stdout() + r.stderr()).doesNotContain("listening on");
    assertThat(work.resolve("state")).as("no engine state was opened").doesNotExist();
  }

  @Test
  void withNoAuthenticationFlagAtAllTheBuilderExitsBeforeListening() {
    Command.Result r = builder("--listen", "127.0.0.1:0", "--state", state()).run();

    assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
    assertThat(r.stderr())
        .contains("this builder has no authentication")
        .contains("--auth-public-key FILE --auth-audience NAME");
    assertThat(r.stdout() + r.stderr()).doesNotContain("listening on");
  }

  @Test
  void aTlsBuilderRefusesPlaintextClientsAndServesTrustedOnes() throws Exception {
    GrantSigner signer = GrantSigner.generate();
    Path key = Files.writeString(work.resolve("grants.pub"), signer.publicKeyPem());
    TestCertificates certs = TestCertificates.create(work.resolve("tls"));
    TestCertificates stranger = TestCertificates.create(work.resolve("other-ca"));
    List<String> flags =
        new ArrayList<>(List.of("--auth-public-key", key.toString(), "--auth-audience", "b"));
    flags.addAll(certs.serverFlags());
    String grant =
        signer.sign(
            new BuildGrant(
                "alice",
                Set.of(GrantScope.BUILD),
                Optional.empty(),
                Instant.now().plusSeconds(600)),
            "b");
    try (BuilderProcess tlsBuilder =
        BuilderProcess.start(REPO, work.resolve("state"), flags, Map.of())) {
      assertThat(tlsBuilder.address()).startsWith("grpcs://");

      assertThatThrownBy(() -> info(tlsBuilder, InsecureChannelCredentials.create(), grant))
          .satisfies(
              e ->
                  assertThat(Status.fromThrowable(e).getCode())
                      .as("%s", e)
                      .isEqualTo(Status.Code.UNAVAILABLE));
      assertThatThrownBy(
              () ->
                  info(
                      tlsBuilder,
                      TlsChannelCredentials.newBuilder()
                          .trustManager(stranger.ca().toFile())
                          .build(),
                      grant))
          .as("a client that does not trust the builder's CA does not send its grant")
          .satisfies(
              e ->
                  assertThat(Status.fromThrowable(e).getCode())
                      .as("%s", e)
                      .isEqualTo(Status.Code.UNAVAILABLE));

      String version =
          info(
              tlsBuilder,
              TlsChannelCredentials.newBuilder().trustManager(certs.ca().toFile()).build(),
              grant);
      assertThat(version).isNotBlank();
    }
  }

  private static String info(BuilderProcess b, ChannelCredentials credentials, String grant) {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", b.port(), credentials).build();
    try {
      Metadata headers = new Metadata();
      headers.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + grant);
      return ControlGrpc.newBlockingStub(
              ClientInterceptors.intercept(
                  channel, MetadataUtils.newAttachHeadersInterceptor(headers)))
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .info(InfoRequest.getDefaultInstance())
          .getVersion();
    } finally {
      channel.shutdownNow();
    }
  }

  private String state() {
    return work.resolve("state").toString();
  }

  private static Command builder(String... args) {
    List<String> command = new ArrayList<>(List.of(REPO.resolve("bin/slipway-builder").toString()));
    command.addAll(List.of(args));
    return Command.of(command).timeout(Duration.ofSeconds(60));
  }
}
