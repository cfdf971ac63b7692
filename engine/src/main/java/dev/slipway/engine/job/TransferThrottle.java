package dev.slipway.engine.job;

/**
 * When one transfer's byte count is worth another progress event: the first count, then whenever
 * {@link #INTERVAL_NANOS} passed since the last event or another quarter of a known total arrived.
 * So a fast transfer still shows a few steps on its way (a 100 MB push to a loopback registry), and
 * a slow one moves ten times a second without flooding the client. The final count is not asked
 * here: a finished transfer is always reported.
 */
public final class TransferThrottle {
  /** The most often a running transfer is reported. */
  public static final long INTERVAL_NANOS = 100_000_000L;

  private boolean reported;
  private long lastNanos;
  private long lastCount;

  /** Whether {@code current} bytes (of {@code total}, 0: unknown) at {@code nowNanos} are due. */
  public boolean due(long current, long total, long nowNanos) {
    boolean due =
        !reported
            || nowNanos - lastNanos >= INTERVAL_NANOS
            || (total > 0 && current - lastCount >= (total + 3) / 4);
    if (due) {
      reported = true;
      lastNanos = nowNanos;
      lastCount = current;
    }
    return due;
  }
}
