package dev.slipway.engine.cache;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One cached step result: the runtime cache key of a vertex, the committed snapshot holding its
 * filesystem, and — once it was exported — the compressed layer blob of its diff, so a warm rebuild
 * neither re-runs the step nor recompresses its layer.
 *
 * @param snapshotKey the committed snapshot, or null for an empty filesystem (scratch)
 * @param layerDigest digest of the compressed layer blob of this step's diff, once exported
 * @param layerMediaType media type of that blob
 * @param layerSize size of that blob
 * @param diffId digest of the uncompressed layer tar
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record CacheRecord(
    String key,
    String snapshotKey,
    String description,
    Instant created,
    Instant lastUsed,
    long usageCount,
    String layerDigest,
    String layerMediaType,
    Long layerSize,
    String diffId) {

  public CacheRecord used(Instant when) {
    return new CacheRecord(
        key,
        snapshotKey,
        description,
        created,
        when,
        usageCount + 1,
        layerDigest,
        layerMediaType,
        layerSize,
        diffId);
  }

  public CacheRecord withLayer(String digest, String mediaType, long size, String diff) {
    return new CacheRecord(
        key,
        snapshotKey,
        description,
        created,
        lastUsed,
        usageCount,
        digest,
        mediaType,
        size,
        diff);
  }
}
