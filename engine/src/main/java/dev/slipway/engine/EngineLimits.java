package dev.slipway.engine;

/**
 * What one build may make a builder hold, so that a single build cannot exhaust what every build on
 * the builder shares (memory, the state volume). Each limit fails the build with a message that
 * names the limit and how to raise it.
 *
 * @param maxDownloadBytes the largest file an {@code ADD <url>} (or an http context) may download
 * @param maxArchiveExpandBytes the most an archive (ADD of a tarball, an http context) may expand
 *     to on disk
 * @param maxLogBytesPerStep the most output one step may log before its log is clipped
 */
public record EngineLimits(
    long maxDownloadBytes, long maxArchiveExpandBytes, long maxLogBytesPerStep) {

  /**
   * 8 GiB: above the large files builds really download (a CUDA or JDK tarball, a model file of a
   * few GiB), below what one build could use to fill a typical cache volume (20Gi by default) on
   * its own. Kept equal to the archive limit so an ADD of an archive has one size in mind.
   */
  public static final long DEFAULT_MAX_DOWNLOAD_BYTES = 8L << 30;

  /** 8 GiB, as the download limit: a tarball expands within what it could have downloaded. */
  public static final long DEFAULT_MAX_ARCHIVE_EXPAND_BYTES = 8L << 30;

  /** 2 MiB, as BuildKit clips a step's log ("output clipped, log limit 2MiB reached"). */
  public static final long DEFAULT_MAX_LOG_BYTES_PER_STEP = 2L << 20;

  public EngineLimits {
    positive("maxDownloadBytes", maxDownloadBytes);
    positive("maxArchiveExpandBytes", maxArchiveExpandBytes);
    positive("maxLogBytesPerStep", maxLogBytesPerStep);
  }

  public static EngineLimits defaults() {
    return new EngineLimits(
        DEFAULT_MAX_DOWNLOAD_BYTES,
        DEFAULT_MAX_ARCHIVE_EXPAND_BYTES,
        DEFAULT_MAX_LOG_BYTES_PER_STEP);
  }

  public EngineLimits withMaxDownloadBytes(long bytes) {
    return new EngineLimits(bytes, maxArchiveExpandBytes, maxLogBytesPerStep);
  }

  public EngineLimits withMaxArchiveExpandBytes(long bytes) {
    return new EngineLimits(maxDownloadBytes, bytes, maxLogBytesPerStep);
  }

  public EngineLimits withMaxLogBytesPerStep(long bytes) {
    return new EngineLimits(maxDownloadBytes, maxArchiveExpandBytes, bytes);
  }

  private static void positive(String name, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1 byte, not " + value);
    }
  }
}
