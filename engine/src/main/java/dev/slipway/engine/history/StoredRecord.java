package dev.slipway.engine.history;

import dev.slipway.api.control.v1.HistoryRecord;

/**
 * A finished build as the store keeps it: the record and the principal that started the build,
 * which decides who may read it (never sent to a client).
 */
public record StoredRecord(HistoryRecord record, String owner) {
  public String buildId() {
    return record.getBuildId();
  }
}
