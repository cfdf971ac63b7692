package dev.slipway.engine.graph;

import java.io.Serializable;
import java.util.regex.Pattern;

/**
 * The content address of a vertex: {@code sha256:<hex>} of the canonical encoding of its definition
 * and its inputs' keys. Two vertices with the same key produce the same result.
 */
public record CacheKey(String value) implements Serializable {

  private static final Pattern FORM = Pattern.compile("sha256:[0-9a-f]{64}");

  public CacheKey {
    if (value == null || !FORM.matcher(value).matches()) {
      throw new IllegalArgumentException("a cache key is sha256:<64 hex digits>, got " + value);
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
