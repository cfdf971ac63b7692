package dev.slipway.engine.cache;

import com.google.protobuf.Timestamp;
import dev.slipway.api.control.v1.CacheRecord;
import dev.slipway.api.control.v1.DiskUsageResponse;
import java.io.IOException;
import java.time.Instant;

/** The {@code du} report: each cache item with its size on disk, whether it is in use, totals. */
public final class CacheUsage {
  private final CacheInventory inventory;

  public CacheUsage(CacheInventory inventory) {
    this.inventory = inventory;
  }

  public DiskUsageResponse report() throws IOException {
    DiskUsageResponse.Builder r = DiskUsageResponse.newBuilder();
    long total = 0;
    long reclaimable = 0;
    for (CacheItem item : inventory.items()) {
      r.addRecords(toProto(item));
      total += item.sizeBytes();
      if (!item.inUse()) {
        reclaimable += item.sizeBytes();
      }
    }
    return r.setTotalBytes(total).setReclaimableBytes(reclaimable).build();
  }

  static CacheRecord toProto(CacheItem item) {
    return CacheRecord.newBuilder()
        .setId(item.id())
        .setType(item.type().wireName())
        .setDescription(item.description())
        .setSizeBytes(item.sizeBytes())
        .setInUse(item.inUse())
        .setCreated(ts(item.created()))
        .setLastUsed(ts(item.lastUsed()))
        .setUsageCount(item.usageCount())
        .build();
  }

  private static Timestamp ts(Instant t) {
    return t == null
        ? Timestamp.getDefaultInstance()
        : Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }
}
