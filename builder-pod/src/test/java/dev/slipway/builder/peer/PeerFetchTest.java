package dev.slipway.builder.peer;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.slipway.api.control.v1.PeerCache;
import dev.slipway.api.control.v1.PeerEndpoint;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.peer.v1.FetchRequest;
import dev.slipway.api.peer.v1.FetchResponse;
import dev.slipway.api.peer.v1.LayerEntry;
import dev.slipway.api.peer.v1.PeerCacheGrpc;
import dev.slipway.engine.cache.ImportedCache;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Digest;
import dev.slipway.session.auth.Caller;
import dev.slipway.session.auth.CallerSource;
import dev.slipway.session.auth.GrantScope;
import dev.slipway.session.auth.InvalidGrantException;
import io.grpc.Channel;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's checks on what peers answer, against in-process peers that answer as a test scripts
 * them: only an announced, matching, bounded blob with the right diffID is taken; anything else
 * skips the peer for the rest of the build, with a warning, and the next peer is asked.
 */
class PeerFetchTest {
  private static final String KEY = "sha256:" + "1".repeat(64);
  private static final String OTHER_KEY = "sha256:" + "2".repeat(64);
  private static final String GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  private static final String BUILD = "b-1";

  /** Stands in for the pod's grant verifier: each token names the caller it stands for. */
  private static final Map<String, Caller> ISSUED =
      Map.of(
          "peer-grant",
          new Caller("operator", Set.of(GrantScope.PEER), Optional.of(BUILD)),
          "other-build",
          new Caller("operator", Set.of(GrantScope.PEER), Optional.of("b-2")),
          "unbound",
          new Caller("operator", Set.of(GrantScope.PEER), Optional.empty()),
          "build-grant",
          new Caller("user", Set.of(GrantScope.BUILD, GrantScope.ADMIN), Optional.of(BUILD)));

  private static final CallerSource GRANTS =
      token -> {
        Caller c = ISSUED.get(token);
        if (c == null) {
          throw new InvalidGrantException("not signed by the operator");
        }
        return c;
      };

  private static final byte[] TAR = "pretend this is a tar".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  private ContentStore content;
  private final List<Server> servers = new ArrayList<>();
  private final Map<String, Channel> channels = new HashMap<>();
  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final List<String> asked = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();

  /** What a scripted peer does with a Fetch. */
  interface Script {
    void answer(FetchRequest request, StreamObserver<FetchResponse> out) throws Exception;
  }

  @BeforeEach
  void open() throws Exception {
    content = ContentStore.open(dir.resolve("content"));
  }

  @AfterEach
  void stop() {
    servers.forEach(Server::shutdownNow);
  }

  @Test
  void anHonestPeersLayerIsTakenVerifiedAndSaidWhereFrom() throws Exception {
    byte[] blob = gzip(TAR);
    peer("p1", (r, out) -> honest(blob, TAR, out));

    Optional<ImportedCache.Hit> hit = imported(limits()).layer(KEY);

    assertThat(hit).isPresent();
    assertThat(hit.get().origin()).isEqualTo("cache from peer p1 (p1:7777)");
    assertThat(hit.get().entry().key()).isEqualTo(KEY);
    assertThat(hit.get().entry().layer().digest()).isEqualTo(Digest.of(blob));
    assertThat(hit.get().entry().diffId()).isEqualTo(Digest.of(TAR).toString());
    assertThat(content.read(Digest.of(blob))).isEqualTo(blob);
    assertThat(authorizations).containsExactly("Bearer peer-grant");
    assertThat(warnings).isEmpty();
  }

  @Test
  void aBlobOtherThanAnnouncedIsRefusedAndThePeerSkippedForTheRestOfTheBuild() throws Exception {
    byte[] blob = gzip(TAR);
    byte[] other = gzip("something else entirely".getBytes(StandardCharsets.UTF_8));
    peer(
        "liar",
        (r, out) -> {
          out.onNext(entry(GZIP, Digest.of(blob), other.length, Digest.of(TAR)));
          out.onNext(chunk(other));
          out.onCompleted();
        });
    peer("p2", (r, out) -> honest(blob, TAR, out));
    ImportedCache imported = imported(limits());

    assertThat(imported.layer(KEY))
        .get()
        .extracting(ImportedCache.Hit::origin)
        .asString()
        .contains("p2");
    assertThat(imported.layer(OTHER_KEY)).isPresent();

    assertThat(warnings).singleElement().asString().contains("peer liar", "was refused");
    assertThat(asked).containsExactly("liar:" + KEY, "p2:" + KEY, "p2:" + OTHER_KEY);
  }

  @Test
  void moreBytesThanAnnouncedAreNotWritten() throws Exception {
    byte[] blob = gzip(TAR);
    peer(
        "flood",
        (r, out) -> {
          out.onNext(entry(GZIP, Digest.of(blob), blob.length, Digest.of(TAR)));
          out.onNext(chunk(blob));
          out.onNext(chunk(new byte[1 << 16]));
          out.onCompleted();
        });

    assertThat(imported(limits()).layer(KEY)).isEmpty();
    assertThat(warnings).singleElement().asString().contains("more than the announced");
  }

  @Test
  void aLayerThatUnpacksToAnotherDiffIdIsRefused() throws Exception {
    byte[] blob = gzip(TAR);
    peer("p1", (r, out) -> honest(blob, "not the tar".getBytes(StandardCharsets.UTF_8), out));

    assertThat(imported(limits()).layer(KEY)).isEmpty();
    assertThat(warnings).singleElement().asString().contains("unpacks to", "not the diffID");
  }

  @Test
  void anEntryThatIsNoLayerOrTooBigIsRefusedBeforeAnyByteIsRead() throws Exception {
    peer(
        "config",
        (r, out) -> {
          out.onNext(
              entry("application/vnd.oci.image.config.v1+json", Digest.of(TAR), 5, Digest.of(TAR)));
          out.onCompleted();
        });
    peer(
        "huge",
        (r, out) -> {
          out.onNext(entry(GZIP, Digest.of(TAR), 1L << 40, Digest.of(TAR)));
          out.onCompleted();
        });
    peer(
        "baddigest",
        (r, out) -> {
          out.onNext(
              FetchResponse.newBuilder()
                  .setEntry(
                      LayerEntry.newBuilder()
                          .setMediaType(GZIP)
                          .setDigest("../../etc/passwd")
                          .setSize(5)
                          .setDiffId(Digest.of(TAR).toString()))
                  .build());
          out.onCompleted();
        });

    assertThat(
            imported(new PeerImports.Limits(Duration.ofSeconds(10), 1 << 20, 1 << 20)).layer(KEY))
        .isEmpty();
    assertThat(warnings).hasSize(3);
    assertThat(warnings.get(0)).contains("is not a layer's");
    assertThat(warnings.get(1)).contains("is not between 1 and 1048576 bytes");
    assertThat(warnings.get(2)).contains("is not a sha256 digest").doesNotContain("etc/passwd");
  }

  @Test
  void notFoundAsksTheNextPeerWithoutAWarning() throws Exception {
    byte[] blob = gzip(TAR);
    peer(
        "empty",
        (r, out) -> {
          out.onNext(FetchResponse.newBuilder().setNotFound(true).build());
          out.onCompleted();
        });
    peer("p2", (r, out) -> honest(blob, TAR, out));

    assertThat(imported(limits()).layer(KEY)).isPresent();
    assertThat(warnings).isEmpty();
    assertThat(asked).containsExactly("empty:" + KEY, "p2:" + KEY);
  }

  @Test
  void aFailingOrSilentPeerIsSkippedWithinTheTimeout() throws Exception {
    peer("down", (r, out) -> out.onError(Status.UNAVAILABLE.withDescription("gone").asException()));
    peer("silent", (r, out) -> {}); // never answers
    byte[] blob = gzip(TAR);
    peer("p3", (r, out) -> honest(blob, TAR, out));

    long started = System.nanoTime();
    assertThat(
            imported(new PeerImports.Limits(Duration.ofMillis(500), 1 << 20, 1 << 20)).layer(KEY))
        .isPresent();

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    assertThat(warnings).hasSize(2);
    assertThat(warnings.get(0)).contains("peer down", "UNAVAILABLE: gone");
    assertThat(warnings.get(1)).contains("peer silent", "DEADLINE_EXCEEDED");
    assertThat(String.join("\n", warnings)).doesNotContain("peer-grant");
  }

  @Test
  void aRequestWithoutPeersOrGrantAsksNobody() {
    PeerImports imports = new PeerImports(channels::get, limits(), GRANTS);
    assertThat(imports.open(SolveRequest.getDefaultInstance(), content, warnings::add))
        .isSameAs(ImportedCache.NONE);
    SolveRequest noGrant =
        SolveRequest.newBuilder()
            .setPeerCache(
                PeerCache.newBuilder()
                    .addPeers(PeerEndpoint.newBuilder().setName("p").setEndpoint("p:1")))
            .build();
    assertThat(imports.open(noGrant, content, warnings::add)).isSameAs(ImportedCache.NONE);
    assertThat(PeerImports.disabled().open(noGrant, content, warnings::add))
        .isSameAs(ImportedCache.NONE);
    assertThat(warnings).singleElement().asString().contains("no --peer-ca");
  }

  @Test
  void aSmallBlobThatUnpacksBeyondTheBoundIsRefused() throws Exception {
    byte[] tar = new byte[(1 << 20) + 1]; // zeros: a few KiB packed
    byte[] blob = gzip(tar);
    peer("bomb", (r, out) -> honest(blob, tar, out));

    assertThat(imported(limits()).layer(KEY)).isEmpty();
    assertThat(blob.length).isLessThan(1 << 14);
    assertThat(warnings)
        .singleElement()
        .asString()
        .contains("peer bomb", "unpacks to more than 1048576 bytes");
  }

  @Test
  void aGrantThePodDidNotIssueForThisBuildMakesItDialNobody() throws Exception {
    peer("p", (request, out) -> out.onCompleted());
    for (String grant : List.of("forged", "other-build", "unbound", "build-grant")) {
      warnings.clear();
      assertThat(imported(limits(), grant)).as(grant).isSameAs(ImportedCache.NONE);
      assertThat(warnings)
          .as(grant)
          .singleElement()
          .asString()
          .contains("not a PEER grant for this build")
          .doesNotContain(grant);
    }
    assertThat(imported(limits(), "peer-grant")).isNotSameAs(ImportedCache.NONE);
    assertThat(warnings).hasSize(1);
  }

  private static PeerImports.Limits limits() {
    return new PeerImports.Limits(Duration.ofSeconds(10), 1 << 20, 1 << 20);
  }

  private ImportedCache imported(PeerImports.Limits limits) {
    return imported(limits, "peer-grant");
  }

  private ImportedCache imported(PeerImports.Limits limits, String grant) {
    PeerCache.Builder cache = PeerCache.newBuilder().setGrant(grant);
    for (Server s : servers) {
      cache.addPeers(PeerEndpoint.newBuilder().setName(nameOf(s)).setEndpoint(nameOf(s) + ":7777"));
    }
    return new PeerImports(channels::get, limits, GRANTS)
        .open(
            SolveRequest.newBuilder().setBuildId(BUILD).setPeerCache(cache).build(),
            content,
            warnings::add);
  }

  private final Map<Server, String> names = new HashMap<>();

  private String nameOf(Server s) {
    return names.get(s);
  }

  private void peer(String name, Script script) throws Exception {
    String unique = InProcessServerBuilder.generateName();
    ServerInterceptor recordAuth =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            authorizations.add(
                headers.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER)));
            return Contexts.interceptCall(io.grpc.Context.current(), call, headers, next);
          }
        };
    Server server =
        InProcessServerBuilder.forName(unique)
            .addService(
                ServerInterceptors.intercept(
                    new PeerCacheGrpc.PeerCacheImplBase() {
                      @Override
                      public void fetch(FetchRequest request, StreamObserver<FetchResponse> out) {
                        asked.add(name + ":" + request.getRuntimeKey());
                        try {
                          script.answer(request, out);
                        } catch (Exception e) {
                          out.onError(e);
                        }
                      }
                    },
                    recordAuth))
            .build()
            .start();
    servers.add(server);
    names.put(server, name);
    channels.put(name + ":7777", InProcessChannelBuilder.forName(unique).build());
  }

  private static void honest(byte[] blob, byte[] tar, StreamObserver<FetchResponse> out) {
    out.onNext(entry(GZIP, Digest.of(blob), blob.length, Digest.of(tar)));
    int half = blob.length / 2;
    out.onNext(chunk(java.util.Arrays.copyOfRange(blob, 0, half)));
    out.onNext(chunk(java.util.Arrays.copyOfRange(blob, half, blob.length)));
    out.onCompleted();
  }

  private static FetchResponse entry(String mediaType, Digest digest, long size, Digest diffId) {
    return FetchResponse.newBuilder()
        .setEntry(
            LayerEntry.newBuilder()
                .setMediaType(mediaType)
                .setDigest(digest.toString())
                .setSize(size)
                .setDiffId(diffId.toString()))
        .build();
  }

  private static FetchResponse chunk(byte[] bytes) {
    return FetchResponse.newBuilder().setChunk(ByteString.copyFrom(bytes)).build();
  }

  private static byte[] gzip(byte[] bytes) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(bytes);
    }
    return out.toByteArray();
  }
}
