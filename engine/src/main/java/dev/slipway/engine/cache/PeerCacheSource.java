package dev.slipway.engine.cache;

import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.engine.content.ContentStore;
import java.util.function.Consumer;

/**
 * Where a build finds cached steps its engine lacks on other builders (a builder pod's peers, named
 * in {@code SolveRequest.peer_cache}). The builder pod supplies it, so the engine knows no peer
 * protocol; a peer that fails is the source's to skip, never a reason to fail the build.
 */
@FunctionalInterface
public interface PeerCacheSource {
  PeerCacheSource NONE = (request, content, warn) -> ImportedCache.NONE;

  /**
   * The peers' cache for {@code request}, writing the blobs it fetches into {@code content} (each
   * verified against its descriptor); problems worth the user's eye go to {@code warn}.
   */
  ImportedCache open(SolveRequest request, ContentStore content, Consumer<String> warn);
}
