package dev.slipway.builder.peer;

import dev.slipway.api.control.v1.PeerEndpoint;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.engine.cache.ImportedCache;
import dev.slipway.engine.cache.PeerCacheSource;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.session.auth.Caller;
import dev.slipway.session.auth.CallerSource;
import dev.slipway.session.auth.GrantScope;
import dev.slipway.session.auth.InvalidGrantException;
import io.grpc.Channel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The engine's {@link PeerCacheSource} on a builder pod: a build whose request names peers (the
 * operator's {@code peer_cache}) asks them, in order, for the steps it misses locally, presenting
 * the request's PEER grant. Only the operator may make a pod dial out: peers are asked only when
 * that grant is one this pod itself accepts, with the PEER scope and bound to the request's build;
 * otherwise any holder of a BUILD grant could have the pod probe hosts and ports of its choosing.
 */
public final class PeerImports implements PeerCacheSource {

  /**
   * What one fetch may take and bring: the time covers the download and the check of the layer's
   * diffID, which unpacks it; the unpacked size bounds a small blob that unpacks to a huge tar.
   */
  public record Limits(Duration fetchTimeout, long maxLayerBytes, long maxUnpackedBytes) {
    public static final Limits DEFAULT = new Limits(Duration.ofMinutes(5), 16L << 30, 64L << 30);
  }

  private final Function<String, Channel> channels;
  private final Limits limits;
  private final CallerSource grants;

  /**
   * @param channels the channel to a peer's endpoint (HOST:PORT); throws IllegalArgumentException
   *     for one that is not
   * @param grants this pod's own check of bearer tokens, which the request's grant must pass
   */
  public PeerImports(Function<String, Channel> channels, Limits limits, CallerSource grants) {
    this.channels = channels;
    this.limits = limits;
    this.grants = grants;
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
    if (!issuedFor(grant, request.getBuildId())) {
      // no detail: neither the grant nor why it failed goes back to whoever sent it
      warn.accept(
          "the request's peer cache grant is not a PEER grant for this build from this builder's"
              + " operator, so no peer is asked for cache");
      return ImportedCache.NONE;
    }
    return new PeerFetch(peers, grant, channels, content, limits, warn);
  }

  private boolean issuedFor(String grant, String buildId) {
    if (buildId.isEmpty()) {
      return false;
    }
    Caller caller;
    try {
      caller = grants.authenticate(grant);
    } catch (InvalidGrantException e) {
      return false;
    }
    return caller.allows(GrantScope.PEER) && caller.buildId().equals(Optional.of(buildId));
  }
}
