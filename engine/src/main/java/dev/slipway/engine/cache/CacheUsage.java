package dev.slipway.engine.cache;

import com.google.protobuf.Timestamp;
import dev.slipway.api.control.v1.CacheRecord;
import dev.slipway.api.control.v1.DiskUsageResponse;
import java.io.IOException;
import java.time.Instant;

/** The {@code du} report: each cached step result with what it holds on disk. */
public final class CacheUsage {
  private final CacheIndex index;

  public CacheUsage(CacheIndex index) {
    this.index = index;
  }

  public DiskUsageResponse report() throws IOException {
    DiskUsageResponse.Builder r = DiskUsageResponse.newBuilder();
    for (dev.slipway.engine.cache.CacheRecord record : index.list()) {
      r.addRecords(
          CacheRecord.newBuilder()
              .setId(record.key())
              .setType("regular")
              .setDescription(record.description() == null ? "" : record.description())
              .setCreated(ts(record.created()))
              .setLastUsed(ts(record.lastUsed()))
              .setUsageCount(record.usageCount()));
    }
    return r.build();
  }

  private static Timestamp ts(Instant t) {
    return t == null
        ? Timestamp.getDefaultInstance()
        : Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }
}
