package dev.slipway.builder.peer;

import dev.slipway.api.control.v1.PeerEndpoint;
import dev.slipway.api.peer.v1.FetchRequest;
import dev.slipway.api.peer.v1.FetchResponse;
import dev.slipway.api.peer.v1.LayerEntry;
import dev.slipway.api.peer.v1.PeerCacheGrpc;
import dev.slipway.engine.cache.CacheManifest;
import dev.slipway.engine.cache.ImportedCache;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.content.InvalidDigestException;
import dev.slipway.engine.content.LayerCompression;
import dev.slipway.engine.content.MediaTypes;
import io.grpc.CallCredentials;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One build's questions to its peers. A peer is trusted to hold the Builder's certificate, not to
 * tell the truth: the blob must match the digest and size announced before it, the announced size
 * is bounded, and its uncompressed tar must match the announced diffID. A peer that fails, lies or
 * times out is skipped for the rest of the build with a warning; the step then runs as usual.
 */
final class PeerFetch implements ImportedCache {
  private static final System.Logger LOG = System.getLogger(PeerFetch.class.getName());
  private static final Set<String> LAYER_TYPES =
      Set.of(
          MediaTypes.OCI_LAYER,
          MediaTypes.OCI_LAYER_GZIP,
          MediaTypes.OCI_LAYER_ZSTD,
          MediaTypes.DOCKER_LAYER_GZIP);

  private final List<PeerEndpoint> peers;
  private final CallCredentials grant;
  private final Function<String, Channel> channels;
  private final ContentStore content;
  private final PeerImports.Limits limits;
  private final Consumer<String> warn;
  private final Set<String> skipped = ConcurrentHashMap.newKeySet();

  PeerFetch(
      List<PeerEndpoint> peers,
      String grant,
      Function<String, Channel> channels,
      ContentStore content,
      PeerImports.Limits limits,
      Consumer<String> warn) {
    this.peers = List.copyOf(peers);
    this.grant = bearer(grant);
    this.channels = channels;
    this.content = content;
    this.limits = limits;
    this.warn = warn;
  }

  /** Why a peer is skipped; its message never holds the grant. */
  static final class PeerFailure extends Exception {
    PeerFailure(String message) {
      super(message);
    }
  }

  @Override
  public Optional<Hit> layer(String runtimeKey) {
    for (PeerEndpoint peer : peers) {
      String who = printable(peer.getName()) + " (" + printable(peer.getEndpoint()) + ")";
      if (skipped.contains(peer.getEndpoint())) {
        continue;
      }
      try {
        Optional<CacheManifest.Entry> entry = fetch(peer.getEndpoint(), runtimeKey);
        if (entry.isPresent()) {
          String origin = "cache from peer " + who;
          LOG.log(System.Logger.Level.INFO, "{0}: {1}", origin, runtimeKey);
          return Optional.of(new Hit(entry.get(), origin));
        }
      } catch (PeerFailure e) {
        if (skipped.add(peer.getEndpoint())) {
          String message = "peer " + who + " is skipped for this build: " + e.getMessage();
          LOG.log(System.Logger.Level.WARNING, message);
          warn.accept(message);
        }
      }
    }
    return Optional.empty();
  }

  private Optional<CacheManifest.Entry> fetch(String endpoint, String runtimeKey)
      throws PeerFailure {
    Channel channel;
    try {
      channel = channels.apply(endpoint);
    } catch (IllegalArgumentException e) {
      throw new PeerFailure(e.getMessage());
    }
    // Cancelled when done: a blob already here, or a refused one, is not read to its end.
    try (Context.CancellableContext call = Context.current().withCancellation()) {
      return call.call(() -> fetch(channel, runtimeKey));
    } catch (PeerFailure e) {
      throw e;
    } catch (StatusRuntimeException e) {
      throw new PeerFailure(
          "it answered "
              + e.getStatus().getCode()
              + Optional.ofNullable(e.getStatus().getDescription())
                  .map(d -> ": " + printable(d))
                  .orElse(""));
    } catch (IOException e) {
      throw new PeerFailure(printable(e.getMessage()));
    } catch (Exception e) {
      throw new PeerFailure(e.getClass().getSimpleName() + ": " + printable(e.getMessage()));
    }
  }

  private Optional<CacheManifest.Entry> fetch(Channel channel, String runtimeKey)
      throws PeerFailure, IOException {
    long deadline = System.nanoTime() + limits.fetchTimeout().toNanos();
    Iterator<FetchResponse> answers =
        PeerCacheGrpc.newBlockingStub(channel)
            .withCallCredentials(grant)
            .withDeadlineAfter(limits.fetchTimeout().toMillis(), TimeUnit.MILLISECONDS)
            .fetch(FetchRequest.newBuilder().setRuntimeKey(runtimeKey).build());
    if (!answers.hasNext()) {
      throw new PeerFailure("it answered nothing");
    }
    FetchResponse first = answers.next();
    if (first.hasNotFound()) {
      return Optional.empty();
    }
    if (!first.hasEntry()) {
      throw new PeerFailure("its answer did not start with the layer's entry");
    }
    Descriptor layer = descriptor(first.getEntry());
    Digest diffId = digest("diffID", first.getEntry().getDiffId());
    if (!content.exists(layer.digest())) {
      try (InputStream blob = new ChunkStream(answers, layer.size())) {
        content.ingest(blob, layer); // refuses a blob whose digest or size is not the announced
      } catch (IOException e) {
        throw new PeerFailure("its blob for " + layer.digest() + " was refused: " + e.getMessage());
      }
    }
    Digest actual = uncompressedDigest(layer.digest(), deadline);
    if (!actual.equals(diffId)) {
      throw new PeerFailure(
          "the layer " + layer.digest() + " unpacks to " + actual + ", not the diffID " + diffId);
    }
    return Optional.of(new CacheManifest.Entry(runtimeKey, null, layer, diffId.toString()));
  }

  private Descriptor descriptor(LayerEntry entry) throws PeerFailure {
    if (!LAYER_TYPES.contains(entry.getMediaType())) {
      throw new PeerFailure(
          "its layer's media type " + printable(entry.getMediaType()) + " is not a layer's");
    }
    if (entry.getSize() < 1 || entry.getSize() > limits.maxLayerBytes()) {
      throw new PeerFailure(
          "its layer's size "
              + entry.getSize()
              + " is not between 1 and "
              + limits.maxLayerBytes()
              + " bytes");
    }
    return Descriptor.of(
        entry.getMediaType(), digest("layer digest", entry.getDigest()), entry.getSize());
  }

  private static Digest digest(String what, String text) throws PeerFailure {
    try {
      return Digest.parse(text);
    } catch (InvalidDigestException e) {
      throw new PeerFailure("its " + what + " is not a sha256 digest");
    }
  }

  /** The digest of the unpacked blob, within the fetch's deadline and the unpacked size bound. */
  private Digest uncompressedDigest(Digest blob, long deadline) throws IOException, PeerFailure {
    MessageDigest sha = Digest.newSha256();
    byte[] buffer = new byte[64 * 1024];
    long unpacked = 0;
    try (InputStream tar = LayerCompression.decompress(content.open(blob))) {
      for (int n; (n = tar.read(buffer)) >= 0; ) {
        unpacked += n;
        if (unpacked > limits.maxUnpackedBytes()) {
          throw new PeerFailure(
              "its layer "
                  + blob
                  + " unpacks to more than "
                  + limits.maxUnpackedBytes()
                  + " bytes");
        }
        if (System.nanoTime() - deadline > 0) {
          throw new PeerFailure(
              "unpacking its layer "
                  + blob
                  + " to check it took longer than the fetch timeout of "
                  + limits.fetchTimeout().toSeconds()
                  + " s");
        }
        sha.update(buffer, 0, n);
      }
    }
    return Digest.fromBytes(sha.digest());
  }

  /** Text from a peer or the operator, fit for a log line: no control characters, bounded. */
  static String printable(String text) {
    if (text == null) {
      return "";
    }
    String clean = text.replaceAll("\\p{Cntrl}", "?");
    return clean.length() > 200 ? clean.substring(0, 200) + "…" : clean;
  }

  private static CallCredentials bearer(String grant) {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(
          RequestInfo info, Executor executor, MetadataApplier applier) {
        Metadata headers = new Metadata();
        headers.put(
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + grant);
        applier.apply(headers);
      }
    };
  }

  /** The blob's chunks as a stream, never more than the announced size. */
  private static final class ChunkStream extends InputStream {
    private final Iterator<FetchResponse> answers;
    private final long size;
    private long read;
    private byte[] chunk = new byte[0];
    private int at;

    ChunkStream(Iterator<FetchResponse> answers, long size) {
      this.answers = answers;
      this.size = size;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      while (at == chunk.length) {
        if (!answers.hasNext()) {
          return -1;
        }
        FetchResponse next = answers.next();
        if (!next.hasChunk()) {
          throw new IOException("the peer sent something else in the middle of the blob");
        }
        chunk = next.getChunk().toByteArray();
        at = 0;
        if (read + chunk.length > size) {
          throw new IOException("the peer sent more than the announced " + size + " bytes");
        }
        read += chunk.length;
      }
      int n = Math.min(len, chunk.length - at);
      System.arraycopy(chunk, at, b, off, n);
      at += n;
      return n;
    }
  }
}
