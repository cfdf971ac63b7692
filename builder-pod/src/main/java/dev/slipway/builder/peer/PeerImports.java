package dev.slipway.builder.peer;

import dev.slipway.api.control.v1.PeerEndpoint;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.engine.cache.ImportedCache;
import dev.slipway.engine.cache.PeerCacheSource;
import dev.slipway.engine.content.ContentStore;
import io.grpc.Channel;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The engine's {@link PeerCacheSource} on a builder pod: a build whose request names peers (the
 * operator's {@code peer_cache}) asks them, in order, for the steps it misses locally, presenting
 * the request's PEER grant.
 */
public final class PeerImports implements PeerCacheSource {

  /** What one fetch may take and bring. */
  public record Limits(Duration fetchTimeout, long maxLayerBytes) {
    public static final Limits DEFAULT = new Limits(Duration.ofMinutes(5), 16L << 30);
  }

  private final Function<String, Channel> channels;
  private final Limits limits;

  /**
   * @param channels the channel to a peer's endpoint (HOST:PORT); throws IllegalArgumentException
   *     for one that is not
   */
  public PeerImports(Function<String, Channel> channels, Limits limits) {
    this.channels = channels;
    this.limits = limits;
  }

  /** For a builder that cannot check its peers' certificates: a request's peers are not asked. */
  public static PeerCacheSource disabled() {
    return (request, content, warn) -> {
      if (request.getPeerCache().getPeersCount() > 0) {
        warn.accept(
            "this builder has no --peer-ca, so it cannot check its peers' certificates and does"
                + " not ask them for cache");
      }
      return ImportedCache.NONE;
    };
  }

  @Override
  public ImportedCache open(SolveRequest request, ContentStore content, Consumer<String> warn) {
    List<PeerEndpoint> peers = request.getPeerCache().getPeersList();
    String grant = request.getPeerCache().getGrant();
    if (peers.isEmpty() || grant.isBlank()) {
      return ImportedCache.NONE;
    }
    return new PeerFetch(peers, grant, channels, content, limits, warn);
  }
}
