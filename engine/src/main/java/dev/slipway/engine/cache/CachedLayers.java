package dev.slipway.engine.cache;

import dev.slipway.engine.content.BlobNotFoundException;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.Digest;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The cached steps this engine can hand to another builder: a record whose layer blob was made
 * (when an image or a cache export used the step) and is still in the content store. Asked by
 * runtime key only: the key is what a build of the same step computes, so a caller learns nothing
 * it could not have built; no blob is ever looked up by its digest.
 */
public final class CachedLayers {
  private static final Pattern RUNTIME_KEY = Pattern.compile("sha256:[0-9a-f]{64}");

  private final CacheIndex cache;
  private final ContentStore content;

  public CachedLayers(CacheIndex cache, ContentStore content) {
    this.cache = cache;
    this.content = content;
  }

  /** A step's layer, its blob open for reading; the caller closes it. */
  public record CachedLayer(CacheManifest.Entry entry, InputStream blob) implements Closeable {
    @Override
    public void close() throws IOException {
      blob.close();
    }
  }

  /**
   * The layer of the step {@code runtimeKey}, or empty when this engine has none to give.
   *
   * @throws IllegalArgumentException when {@code runtimeKey} is not a runtime key (the index files
   *     are named after keys: nothing else may reach them)
   */
  public Optional<CachedLayer> find(String runtimeKey) throws IOException {
    if (runtimeKey == null || !RUNTIME_KEY.matcher(runtimeKey).matches()) {
      throw new IllegalArgumentException(
          "a runtime cache key is \"sha256:\" and 64 lowercase hex digits");
    }
    Optional<CacheRecord> record = cache.get(runtimeKey);
    if (record.isEmpty()
        || record.get().layerDigest() == null
        || record.get().layerMediaType() == null
        || record.get().layerSize() == null
        || record.get().diffId() == null) {
      return Optional.empty();
    }
    CacheRecord r = record.get();
    Digest digest = Digest.parse(r.layerDigest());
    InputStream blob;
    try {
      // opened now: a collector removing the file later leaves this stream readable
      blob = content.open(digest);
    } catch (BlobNotFoundException e) {
      return Optional.empty();
    }
    Descriptor layer = Descriptor.of(r.layerMediaType(), digest, r.layerSize());
    return Optional.of(
        new CachedLayer(new CacheManifest.Entry(r.key(), null, layer, r.diffId()), blob));
  }
}
