package dev.slipway.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.slipway.api.control.v1.ControlGrpc;
import dev.slipway.api.control.v1.DockerfileSource;
import dev.slipway.api.control.v1.InfoRequest;
import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.OutputType;
import dev.slipway.api.control.v1.PeerCache;
import dev.slipway.api.control.v1.PeerEndpoint;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.control.v1.VertexState;
import dev.slipway.api.peer.v1.FetchRequest;
import dev.slipway.api.peer.v1.FetchResponse;
import dev.slipway.api.peer.v1.LayerEntry;
import dev.slipway.api.peer.v1.PeerCacheGrpc;
import dev.slipway.session.auth.BuildGrant;
import dev.slipway.session.auth.GrantScope;
import dev.slipway.session.auth.GrantSigner;
import dev.slipway.testing.BuilderProcess;
import dev.slipway.testing.TestCertificates;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real builder processes of one "Builder" (one grant key, one CA, one certificate): a build on
 * B takes the steps A already built from A over PeerCache instead of running them, and every way of
 * getting that wrong (wrong scope, foreign key, a lying peer, a key A does not have) leaves B
 * running the step itself.
 */
@Timeout(300)
class PeerCacheIT {
  private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();
  private static final String AUDIENCE = "builder/team/pool";
  private static final GrantSigner SIGNER = GrantSigner.generate();
  private static final GrantSigner FOREIGN = GrantSigner.generate();
  private static final String OPERATOR =
      token(SIGNER, "operator", Set.of(GrantScope.BUILD, GrantScope.ADMIN), null);
  private static final String BASE = "127.0.0.1:5000/busybox:latest";

  @TempDir static Path work;
  private static TestCertificates certs;
  private static BuilderProcess a;
  private static BuilderProcess b;
  private static ManagedChannel toA;
  private static ManagedChannel toB;
  private static final List<String> peerGrants = new ArrayList<>();

  @BeforeAll
  static void startTwoPodsOfOneBuilder() throws IOException {
    certs = TestCertificates.create(work.resolve("certs"));
    Path key = Files.writeString(work.resolve("grants.pub"), SIGNER.publicKeyPem());
    List<String> flags =
        List.of(
            "--auth-public-key",
            key.toString(),
            "--auth-audience",
            AUDIENCE,
            "--tls-cert",
            certs.serverCert().toString(),
            "--tls-key",
            certs.serverKey().toString(),
            "--peer-ca",
            certs.ca().toString(),
            "--peer-tls-name",
            "localhost");
    a = BuilderProcess.start(REPO, work.resolve("a"), flags, Map.of());
    b = BuilderProcess.start(REPO, work.resolve("b"), flags, Map.of());
    toA = channel(a.port());
    toB = channel(b.port());
  }

  @AfterAll
  static void stop() throws Exception {
    for (ManagedChannel c : new ManagedChannel[] {toA, toB}) {
      if (c != null) {
        c.shutdownNow();
      }
    }
    for (BuilderProcess p : new BuilderProcess[] {a, b}) {
      if (p != null) {
        String log = p.log();
        p.close();
        assertThat(log).as("no grant is ever logged").doesNotContain(OPERATOR);
        for (String grant : peerGrants) {
          assertThat(log).doesNotContain(grant);
        }
      }
    }
  }

  @Test
  void aBuildOnBTakesTheStepsAHasFromAAndGetsTheSameLayers() throws Exception {
    String dockerfile = dockerfile("shared");
    Built onA = build(toA, "a-" + UUID.randomUUID(), dockerfile, Optional.empty());
    assertThat(onA.runStates()).containsOnly(VertexState.VERTEX_STATE_DONE);

    String buildId = "b-" + UUID.randomUUID();
    Built onB = build(toB, buildId, dockerfile, Optional.of(peerCache(buildId, SIGNER, "pod-a")));

    assertThat(onB.runStates()).as("both RUN steps came from A").hasSize(2);
    assertThat(onB.runStates()).containsOnly(VertexState.VERTEX_STATE_CACHED);
    String line = "cache from peer pod-a (127.0.0.1:" + a.port() + ")";
    assertThat(onB.logs()).as("each step's log says from which peer").contains(line);
    assertThat(b.log()).as("and so does B's own log").contains(line);
    assertThat(a.log()).contains("serving the layer of");
    assertThat(layers(onB.result().getImageDigest()))
        .as("the very same layer blobs (the stamp step would differ had it run again)")
        .isEqualTo(layers(onA.result().getImageDigest()));
  }

  @Test
  void aGrantOfAnotherScopeOrKeyIsRefusedByThePeer() throws Exception {
    FetchRequest anyKey =
        FetchRequest.newBuilder().setRuntimeKey("sha256:" + "a".repeat(64)).build();
    for (Set<GrantScope> scopes :
        List.of(
            Set.of(GrantScope.BUILD),
            Set.of(GrantScope.ADMIN),
            Set.of(GrantScope.BUILD, GrantScope.ADMIN))) {
      String grant = token(SIGNER, "buildrequest:team/x", scopes, null);
      assertThatThrownBy(() -> fetch(toA, grant, anyKey))
          .as("%s", scopes)
          .satisfies(e -> assertCode(e, Status.Code.PERMISSION_DENIED))
          .hasMessageContaining("PeerCache");
    }
    String foreign = token(FOREIGN, "buildrequest:team/x", Set.of(GrantScope.PEER), "x");
    assertThatThrownBy(() -> fetch(toA, foreign, anyKey))
        .satisfies(e -> assertCode(e, Status.Code.UNAUTHENTICATED));
    String peer = token(SIGNER, "buildrequest:team/x", Set.of(GrantScope.PEER), "x");
    assertThatThrownBy(
            () -> ControlGrpc.newBlockingStub(as(toA, peer)).info(InfoRequest.getDefaultInstance()))
        .as("a PEER grant reaches nothing but PeerCache")
        .satisfies(e -> assertCode(e, Status.Code.PERMISSION_DENIED));
    assertThatThrownBy(
            () ->
                fetch(
                    toA, peer, FetchRequest.newBuilder().setRuntimeKey("../../etc/passwd").build()))
        .as("a name that is not a runtime key never reaches the cache index")
        .satisfies(e -> assertCode(e, Status.Code.INVALID_ARGUMENT));
    assertThat(fetch(toA, peer, anyKey)).as("an unknown key").isEqualTo(notFound());

    // end to end: B given a foreign grant dials no peer and runs the steps itself
    String dockerfile = dockerfile("foreign");
    build(toA, "a-" + UUID.randomUUID(), dockerfile, Optional.empty());
    String buildId = "b-" + UUID.randomUUID();
    Built onB = build(toB, buildId, dockerfile, Optional.of(peerCache(buildId, FOREIGN, "pod-a")));
    assertThat(onB.runStates()).containsOnly(VertexState.VERTEX_STATE_DONE);
    assertThat(onB.warnings())
        .anySatisfy(w -> assertThat(w).contains("not a PEER grant for this build"));
    assertThat(onB.logs()).doesNotContain("cache from peer");
  }

  @Test
  void aPeerThatLiesAboutItsBlobIsRefusedAndTheStepRuns() throws Exception {
    byte[] promised = "the promised layer".getBytes(StandardCharsets.UTF_8);
    Server liar =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .useTransportSecurity(certs.serverCert().toFile(), certs.serverKey().toFile())
            .addService(
                new PeerCacheGrpc.PeerCacheImplBase() {
                  @Override
                  public void fetch(FetchRequest request, StreamObserver<FetchResponse> out) {
                    out.onNext(
                        FetchResponse.newBuilder()
                            .setEntry(
                                LayerEntry.newBuilder()
                                    .setMediaType("application/vnd.oci.image.layer.v1.tar+gzip")
                                    .setDigest(sha256(promised))
                                    .setSize(promised.length)
                                    .setDiffId(sha256(promised)))
                            .build());
                    out.onNext(
                        FetchResponse.newBuilder()
                            .setChunk(ByteString.copyFromUtf8("something else!!!!"))
                            .build());
                    out.onCompleted();
                  }
                })
            .build()
            .start();
    try {
      String buildId = "b-" + UUID.randomUUID();
      PeerCache peers =
          PeerCache.newBuilder()
              .addPeers(
                  PeerEndpoint.newBuilder()
                      .setName("liar")
                      .setEndpoint("127.0.0.1:" + liar.getPort()))
              .setGrant(peerGrant(buildId, SIGNER))
              .build();
      Built onB = build(toB, buildId, dockerfile("lied-about"), Optional.of(peers));
      assertThat(onB.runStates()).containsOnly(VertexState.VERTEX_STATE_DONE);
      assertThat(onB.warnings())
          .anySatisfy(w -> assertThat(w).contains("peer liar", "was refused"));
      assertThat(onB.logs()).doesNotContain("cache from peer");
    } finally {
      liar.shutdownNow();
    }
  }

  @Test
  void stepsThePeerNeverBuiltRunWithoutAWarning() throws Exception {
    String buildId = "b-" + UUID.randomUUID();
    Built onB =
        build(toB, buildId, dockerfile("only-b"), Optional.of(peerCache(buildId, SIGNER, "pod-a")));
    assertThat(onB.runStates()).containsOnly(VertexState.VERTEX_STATE_DONE);
    assertThat(onB.warnings()).isEmpty();
    assertThat(onB.logs()).doesNotContain("cache from peer");
  }

  /** Two RUN steps on busybox; the second writes a fresh stamp, so running it again shows. */
  private static String dockerfile(String marker) {
    return "FROM "
        + BASE
        + "\nRUN echo "
        + marker
        + "-"
        + UUID.randomUUID()
        + " > /one\nRUN cat /proc/sys/kernel/random/uuid > /stamp\n";
  }

  private record Built(List<SolveEvent> events, SolveEvent last) {
    dev.slipway.api.control.v1.BuildResult result() {
      assertThat(last.hasResult()).as("%s", last).isTrue();
      return last.getResult();
    }

    /** The final state of each RUN step. */
    List<VertexState> runStates() {
      Map<String, VertexState> last = new HashMap<>();
      events.stream()
          .filter(SolveEvent::hasVertex)
          .filter(e -> e.getVertex().getName().contains("RUN "))
          .forEach(e -> last.put(e.getVertex().getVertexId(), e.getVertex().getState()));
      return List.copyOf(last.values());
    }

    String logs() {
      StringBuilder s = new StringBuilder();
      events.stream()
          .filter(SolveEvent::hasLog)
          .forEach(e -> s.append(e.getLog().getData().toStringUtf8()));
      return s.toString();
    }

    List<String> warnings() {
      return events.stream()
          .filter(SolveEvent::hasWarning)
          .map(e -> e.getWarning().toString())
          .toList();
    }
  }

  private static Built build(
      ManagedChannel to, String buildId, String dockerfile, Optional<PeerCache> peers) {
    SolveRequest.Builder request =
        SolveRequest.newBuilder()
            .setBuildId(buildId)
            .setDockerfile(DockerfileSource.newBuilder().setInline(dockerfile))
            .addOutputs(
                Output.newBuilder()
                    .setType(OutputType.OUTPUT_TYPE_IMAGE)
                    .addNames("127.0.0.1:5000/slipway-peer-it:" + buildId)
                    .setPush(true));
    peers.ifPresent(request::setPeerCache);
    Iterator<SolveEvent> events =
        ControlGrpc.newBlockingStub(as(to, OPERATOR))
            .withDeadlineAfter(3, TimeUnit.MINUTES)
            .solve(request.build());
    List<SolveEvent> all = new ArrayList<>();
    events.forEachRemaining(all::add);
    Built built = new Built(all, all.getLast());
    built.result();
    return built;
  }

  private static PeerCache peerCache(String buildId, GrantSigner signer, String name) {
    return PeerCache.newBuilder()
        .addPeers(PeerEndpoint.newBuilder().setName(name).setEndpoint("127.0.0.1:" + a.port()))
        .setGrant(peerGrant(buildId, signer))
        .build();
  }

  private static String peerGrant(String buildId, GrantSigner signer) {
    String grant = token(signer, "buildrequest:team/" + buildId, Set.of(GrantScope.PEER), buildId);
    peerGrants.add(grant);
    return grant;
  }

  /** The layer digests of a pushed image's manifest. */
  private static List<String> layers(String digest) throws Exception {
    HttpResponse<String> manifest =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:5000/v2/slipway-peer-it/manifests/" + digest))
                    .header(
                        "Accept",
                        "application/vnd.oci.image.manifest.v1+json,"
                            + "application/vnd.docker.distribution.manifest.v2+json")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(manifest.statusCode()).as(manifest.body()).isEqualTo(200);
    List<String> digests = new ArrayList<>();
    for (JsonNode layer : new ObjectMapper().readTree(manifest.body()).get("layers")) {
      digests.add(layer.get("digest").asText());
    }
    return digests;
  }

  private static List<FetchResponse> fetch(Channel channel, String grant, FetchRequest request) {
    List<FetchResponse> answers = new ArrayList<>();
    PeerCacheGrpc.newBlockingStub(as(channel, grant))
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .fetch(request)
        .forEachRemaining(answers::add);
    return answers;
  }

  private static List<FetchResponse> notFound() {
    return List.of(FetchResponse.newBuilder().setNotFound(true).build());
  }

  private static ManagedChannel channel(int port) throws IOException {
    return NettyChannelBuilder.forAddress("127.0.0.1", port)
        .sslContext(GrpcSslContexts.forClient().trustManager(certs.ca().toFile()).build())
        .build();
  }

  private static Channel as(Channel channel, String token) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return ClientInterceptors.intercept(
        channel, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static String token(
      GrantSigner signer, String principal, Set<GrantScope> scopes, String buildId) {
    return signer.sign(
        new BuildGrant(
            principal,
            scopes,
            Optional.ofNullable(buildId),
            Instant.now().plus(Duration.ofHours(1))),
        AUDIENCE);
  }

  private static String sha256(byte[] bytes) {
    try {
      return "sha256:"
          + java.util.HexFormat.of()
              .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void assertCode(Throwable e, Status.Code code) {
    assertThat(e).isInstanceOf(StatusRuntimeException.class);
    assertThat(((StatusRuntimeException) e).getStatus().getCode()).as("%s", e).isEqualTo(code);
  }
}
