package dev.slipway.engine.fileop;

/**
 * How far one archive may expand when ADD (or a context download) unpacks it: a small gzip or xz
 * bomb must not fill the builder's volume.
 *
 * @param maxBytes the most file bytes all entries together may write
 * @param maxEntries the most entries the archive may hold
 */
public record ArchiveLimits(long maxBytes, long maxEntries) {

  /** 8 GiB and a million entries, unless the Builder says otherwise. */
  public static final ArchiveLimits DEFAULT = new ArchiveLimits(8L << 30, 1_000_000);

  /** The default entry count with the byte limit a Builder configured. */
  public static ArchiveLimits ofBytes(long maxBytes) {
    return new ArchiveLimits(maxBytes, DEFAULT.maxEntries());
  }

  public ArchiveLimits {
    if (maxBytes < 0 || maxEntries < 0) {
      throw new IllegalArgumentException("archive limits cannot be negative");
    }
  }
}
