package dev.slipway.engine.cache;

import java.io.IOException;
import java.util.Optional;

/**
 * Cache records imported for one build ({@code --cache-from}), consulted when the local cache
 * misses. Finding an entry makes its layer blob available in the content store.
 */
public interface ImportedCache {
  ImportedCache NONE = key -> Optional.empty();

  /** The imported entry for a runtime key, its layer blob fetched; empty when there is none. */
  Optional<CacheManifest.Entry> layer(String runtimeKey) throws IOException;
}
