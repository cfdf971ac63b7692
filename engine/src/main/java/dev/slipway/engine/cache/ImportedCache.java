package dev.slipway.engine.cache;

import java.io.IOException;
import java.util.Optional;

/**
 * Cache records imported for one build ({@code --cache-from}, a builder's peers), consulted when
 * the local cache misses. Finding an entry makes its layer blob available in the content store.
 */
public interface ImportedCache {
  ImportedCache NONE = key -> Optional.empty();

  /**
   * An imported step.
   *
   * @param entry its layer, whose blob is now in the content store
   * @param origin a line for the step's log saying where it came from; empty to say nothing
   */
  record Hit(CacheManifest.Entry entry, String origin) {}

  /** The imported entry for a runtime key, its layer blob fetched; empty when there is none. */
  Optional<Hit> layer(String runtimeKey) throws IOException;

  /** This cache, and {@code next} where this one has nothing. */
  default ImportedCache orElse(ImportedCache next) {
    if (next == NONE) {
      return this;
    }
    if (this == NONE) {
      return next;
    }
    return key -> {
      Optional<Hit> hit = layer(key);
      return hit.isPresent() ? hit : next.layer(key);
    };
  }
}
