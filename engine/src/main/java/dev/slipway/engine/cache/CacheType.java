package dev.slipway.engine.cache;

/** Kinds of cache items, named as BuildKit names its record types where it has one. */
public enum CacheType {
  /** A RUN/COPY/ADD/WORKDIR result. */
  REGULAR("regular"),
  /** A layer of a base image, unpacked. */
  IMAGE_LAYER("source.image"),
  /** The engine's copy of a client's build context. */
  LOCAL_CONTEXT("source.local"),
  /** The directory behind a {@code RUN --mount=type=cache}. */
  CACHE_MOUNT("exec.cachemount"),
  /** A blob in the content store that no image and no cache record references. */
  CONTENT("content");

  private final String wireName;

  CacheType(String wireName) {
    this.wireName = wireName;
  }

  /** The name in {@code du} output and {@code type=} filters. */
  public String wireName() {
    return wireName;
  }
}
