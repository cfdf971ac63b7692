package dev.slipway.cli.table;

import dev.slipway.api.control.v1.CacheRecord;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;

/** The table {@code du} and {@code prune} print, with buildx's columns. */
public final class CacheTable {
  private static final String ROW = "%-71s %-12s %-12s %s%n";

  private CacheTable() {}

  public static void print(PrintStream out, List<CacheRecord> records, Instant now) {
    if (records.isEmpty()) {
      return;
    }
    out.printf(ROW, "ID", "RECLAIMABLE", "SIZE", "LAST ACCESSED");
    for (CacheRecord r : records) {
      Instant used =
          Instant.ofEpochSecond(r.getLastUsed().getSeconds(), r.getLastUsed().getNanos());
      out.printf(
          ROW,
          r.getId() + (r.getInUse() ? "*" : ""),
          Boolean.toString(!r.getInUse()),
          ByteSizes.format(r.getSizeBytes()),
          r.getInUse() ? "" : LastAccessed.since(used, now));
    }
  }
}
