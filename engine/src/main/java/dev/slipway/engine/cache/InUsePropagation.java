package dev.slipway.engine.cache;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A snapshot is mounted under each of its children, so whatever holds a child holds its parents: an
 * item is in use when a running build holds it or any snapshot above it, and it was last used when
 * it or any snapshot above it was.
 */
final class InUsePropagation {
  private InUsePropagation() {}

  /** The items with in-use flags and last-used times settled, least recently used first. */
  static List<CacheItem> apply(List<CacheItem> items, CacheLeases leases) {
    Map<String, CacheItem> bySnapshot = new HashMap<>();
    List<CacheItem> settled = new ArrayList<>();
    for (CacheItem item : items) {
      boolean held = item.inUse() || item.leaseIds().stream().anyMatch(leases::isHeld);
      CacheItem withUse = item.withUse(held, item.lastUsed());
      settled.add(withUse);
      if (item.snapshotKey() != null) {
        bySnapshot.put(item.snapshotKey(), withUse);
      }
    }
    for (CacheItem item : List.copyOf(bySnapshot.values())) {
      String parent = item.parentSnapshot();
      while (parent != null && bySnapshot.containsKey(parent)) {
        CacheItem p = bySnapshot.get(parent);
        boolean used = p.inUse() || item.inUse();
        Instant last = p.lastUsed().isAfter(item.lastUsed()) ? p.lastUsed() : item.lastUsed();
        bySnapshot.put(parent, p.withUse(used, last));
        parent = p.parentSnapshot();
      }
    }
    List<CacheItem> result = new ArrayList<>();
    for (CacheItem item : settled) {
      result.add(item.snapshotKey() != null ? bySnapshot.get(item.snapshotKey()) : item);
    }
    result.sort(CacheInventory.leastRecentlyUsedFirst());
    return result;
  }
}
