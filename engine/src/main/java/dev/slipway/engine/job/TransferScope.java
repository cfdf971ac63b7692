package dev.slipway.engine.job;

import dev.slipway.api.control.v1.TransferKind;
import java.time.Instant;

/**
 * Where the byte counts of a step's transfers go (layer pulls and pushes, context files, outputs
 * sent to the client): the engine's progress, bound to the step they are shown under.
 */
@FunctionalInterface
public interface TransferScope {

  /** Reports nowhere: for callers that show no progress. */
  TransferScope NONE = (kind, id, name, started, current, total, completed) -> {};

  /**
   * One report of transfer {@code id} (unique within the step; {@code name} is what a person reads
   * and must hold no secret).
   *
   * @param total 0 when unknown
   */
  void report(
      TransferKind kind,
      String id,
      String name,
      Instant started,
      long current,
      long total,
      boolean completed);

  /** A transfer too small to watch (a manifest): its one, final report. */
  default void transferred(TransferKind kind, String id, String name, long bytes) {
    report(kind, id, name, Instant.now(), bytes, bytes, true);
  }

  /** Starts metering a transfer of {@code total} bytes (0: unknown) in this scope. */
  default TransferMeter start(TransferKind kind, String id, String name, long total) {
    return new TransferMeter(this, kind, id, name, total);
  }
}
