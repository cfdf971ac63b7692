package dev.slipway.engine.cache;

import dev.slipway.api.control.v1.PruneResponse;
import dev.slipway.engine.snapshot.SnapshotException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Garbage collection of the cache: removes qualifying items least recently used first, never one a
 * running build holds, and a snapshot only once no snapshot is left on top of it (children go
 * first; a parent a kept child needs stays).
 */
public final class CachePruner {
  private final CacheInventory inventory;

  public CachePruner(CacheInventory inventory) {
    this.inventory = inventory;
  }

  public PruneResponse prune(PrunePolicy policy) throws IOException {
    Instant now = Instant.now();
    List<CacheItem> items = inventory.items();
    long total = items.stream().mapToLong(CacheItem::sizeBytes).sum();
    Map<String, Integer> children = new HashMap<>();
    for (CacheItem item : items) {
      if (item.parentSnapshot() != null) {
        children.merge(item.parentSnapshot(), 1, Integer::sum);
      }
    }
    List<CacheItem> candidates =
        new ArrayList<>(items.stream().filter(i -> policy.qualifies(i, now)).toList());
    PruneResponse.Builder response = PruneResponse.newBuilder();
    long reclaimed = 0;
    while (!policy.satisfiedAt(total)) {
      CacheItem next =
          candidates.stream()
              .filter(
                  i -> i.snapshotKey() == null || children.getOrDefault(i.snapshotKey(), 0) == 0)
              .findFirst()
              .orElse(null);
      if (next == null) {
        break;
      }
      candidates.remove(next);
      if (remove(next)) {
        total -= next.sizeBytes();
        reclaimed += next.sizeBytes();
        response.addRemoved(CacheUsage.toProto(next));
        if (next.parentSnapshot() != null) {
          children.merge(next.parentSnapshot(), -1, Integer::sum);
        }
      }
    }
    return response.setReclaimedBytes(reclaimed).build();
  }

  /** False when a build took the item meanwhile or the snapshotter still has users of it. */
  private boolean remove(CacheItem item) throws IOException {
    try {
      return inventory.leases().removeUnlessHeld(item.leaseIds(), item.removal());
    } catch (SnapshotException e) {
      return false;
    }
  }
}
