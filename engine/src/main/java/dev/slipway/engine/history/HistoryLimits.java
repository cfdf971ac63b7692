package dev.slipway.engine.history;

/**
 * What the build history may hold: the log of one build, and how many finished builds and bytes the
 * store keeps before it removes the oldest.
 *
 * @param maxLogBytesPerBuild log output kept per build; later output is dropped with one notice
 * @param maxRecords finished builds kept; the oldest beyond it are removed
 * @param maxTotalBytes what all kept builds may weigh on disk; the oldest beyond it are removed
 */
public record HistoryLimits(long maxLogBytesPerBuild, int maxRecords, long maxTotalBytes) {
  /** 32 MiB: sixteen BuildKit step logs (2 MiB each), enough to read a long failing build. */
  public static final long DEFAULT_MAX_LOG_BYTES_PER_BUILD = 32L << 20;

  /** As many as {@code buildx history ls} shows in a screenful or two. */
  public static final int DEFAULT_MAX_RECORDS = 100;

  /** 512 MiB: small beside a cache volume (20Gi by default), room for 16 clipped builds. */
  public static final long DEFAULT_MAX_TOTAL_BYTES = 512L << 20;

  public HistoryLimits {
    if (maxLogBytesPerBuild < 1 || maxRecords < 1 || maxTotalBytes < 1) {
      throw new IllegalArgumentException(
          "history limits must be positive: log bytes per build "
              + maxLogBytesPerBuild
              + ", records "
              + maxRecords
              + ", total bytes "
              + maxTotalBytes);
    }
  }

  public static HistoryLimits defaults() {
    return new HistoryLimits(
        DEFAULT_MAX_LOG_BYTES_PER_BUILD, DEFAULT_MAX_RECORDS, DEFAULT_MAX_TOTAL_BYTES);
  }
}
