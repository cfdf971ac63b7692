package dev.slipway.operator.build;

import dev.slipway.api.control.v1.PeerCache;
import dev.slipway.api.control.v1.PeerEndpoint;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.operator.control.BuilderPod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/**
 * The {@code peer_cache} of a run's SolveRequest: the Builder's other ready pods, which may hold
 * cache the run's pod lacks, and a PEER grant for the run to ask them with. Nothing when the
 * Builder has one pod.
 */
final class BuildPeers {
  private final BuilderPodDirectory pods;
  private final BuildGrants grants;

  BuildPeers(BuilderPodDirectory pods, BuildGrants grants) {
    this.pods = pods;
    this.grants = grants;
  }

  PeerCache of(BuildRequest request, BuildRun run, KubernetesClient kube) {
    List<BuilderPod> peers = pods.peers(kube, request, run.pod().name());
    if (peers.isEmpty()) {
      return PeerCache.getDefaultInstance();
    }
    PeerCache.Builder cache = PeerCache.newBuilder();
    for (BuilderPod peer : peers) {
      cache.addPeers(PeerEndpoint.newBuilder().setName(peer.name()).setEndpoint(peer.endpoint()));
    }
    return cache.setGrant(grants.peer(request, run).token()).build();
  }
}
