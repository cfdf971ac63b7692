package dev.slipway.builder.peer;

import com.google.protobuf.ByteString;
import dev.slipway.api.peer.v1.FetchRequest;
import dev.slipway.api.peer.v1.FetchResponse;
import dev.slipway.api.peer.v1.LayerEntry;
import dev.slipway.api.peer.v1.PeerCacheGrpc;
import dev.slipway.engine.cache.CachedLayers.CachedLayer;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Serves this builder's cached step layers to the other pods of its Builder, by runtime key only
 * (see {@link dev.slipway.engine.cache.CachedLayers}). Only callers with a PEER grant get here: the
 * CallerAuth in front of this service refuses every other scope. The blob is sent as the client
 * reads it (flow control), so a slow peer costs no memory here.
 */
public final class PeerCacheService extends PeerCacheGrpc.PeerCacheImplBase {
  private static final System.Logger LOG = System.getLogger(PeerCacheService.class.getName());
  static final int CHUNK_BYTES = 256 * 1024;

  /** Where the layers come from: the engine. */
  @FunctionalInterface
  public interface Layers {
    Optional<CachedLayer> find(String runtimeKey) throws IOException;
  }

  private final Layers layers;

  public PeerCacheService(Layers layers) {
    this.layers = layers;
  }

  @Override
  public void fetch(FetchRequest request, StreamObserver<FetchResponse> responses) {
    ServerCallStreamObserver<FetchResponse> call =
        (ServerCallStreamObserver<FetchResponse>) responses;
    Optional<CachedLayer> found;
    try {
      found = layers.find(request.getRuntimeKey());
    } catch (IllegalArgumentException e) {
      call.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asException());
      return;
    } catch (IOException e) {
      call.onError(
          Status.INTERNAL
              .withDescription("cannot read this builder's cache: " + e.getMessage())
              .asException());
      return;
    }
    if (found.isEmpty()) {
      call.onNext(FetchResponse.newBuilder().setNotFound(true).build());
      call.onCompleted();
      return;
    }
    CachedLayer layer = found.get();
    var d = layer.entry().layer();
    LOG.log(
        System.Logger.Level.INFO,
        "serving the layer of {0} ({1}, {2} bytes) to a peer",
        request.getRuntimeKey(),
        d.digest(),
        d.size());
    Pump pump = new Pump(call, layer.blob());
    call.setOnCancelHandler(pump::stop);
    call.setOnReadyHandler(pump);
    call.onNext(
        FetchResponse.newBuilder()
            .setEntry(
                LayerEntry.newBuilder()
                    .setMediaType(d.mediaType())
                    .setDigest(d.digest().toString())
                    .setSize(d.size())
                    .setDiffId(layer.entry().diffId()))
            .build());
    pump.run();
  }

  /** Sends the blob's chunks while the transport is ready, then completes the call. */
  private static final class Pump implements Runnable {
    private final ServerCallStreamObserver<FetchResponse> call;
    private final InputStream blob;
    private boolean done;

    Pump(ServerCallStreamObserver<FetchResponse> call, InputStream blob) {
      this.call = call;
      this.blob = blob;
    }

    @Override
    public synchronized void run() {
      if (done) {
        return;
      }
      try {
        while (call.isReady()) {
          byte[] chunk = blob.readNBytes(CHUNK_BYTES);
          if (chunk.length == 0) {
            stop();
            call.onCompleted();
            return;
          }
          call.onNext(FetchResponse.newBuilder().setChunk(ByteString.copyFrom(chunk)).build());
        }
      } catch (IOException e) {
        stop();
        call.onError(
            Status.INTERNAL
                .withDescription("reading the layer failed: " + e.getMessage())
                .asException());
      }
    }

    synchronized void stop() {
      done = true;
      try {
        blob.close();
      } catch (IOException ignored) {
        // a read-only file: nothing is lost
      }
    }
  }
}
