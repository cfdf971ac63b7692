package dev.slipway.engine.cache;

import java.time.Instant;
import java.util.List;

/**
 * One thing the cache holds on disk, as {@code du} lists it and {@code prune} removes it: a step
 * result (its snapshot layer, its cache records and their layer blobs), a base image layer, a
 * context mirror, a cache mount, or a content blob nothing references.
 *
 * @param sizeBytes what removing it frees: the snapshot's own layer, not its parents
 * @param snapshotKey the snapshot it is, if any (parents must outlive their children)
 * @param parentSnapshot the snapshot below it, if any
 * @param leaseIds the ids a running build holds it by (see {@link CacheLeases})
 */
public record CacheItem(
    String id,
    CacheType type,
    String description,
    long sizeBytes,
    boolean inUse,
    Instant created,
    Instant lastUsed,
    long usageCount,
    String snapshotKey,
    String parentSnapshot,
    List<String> leaseIds,
    CacheLeases.Removal removal) {

  CacheItem withUse(boolean used, Instant last) {
    return new CacheItem(
        id,
        type,
        description,
        sizeBytes,
        used,
        created,
        last,
        usageCount,
        snapshotKey,
        parentSnapshot,
        leaseIds,
        removal);
  }
}
