package dev.slipway.engine.graph;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Canonical, unambiguous encoding of an operation definition, hashed into its {@link CacheKey}.
 * Every value is written with a type tag and a length so that no two different definitions encode
 * to the same bytes.
 */
final class KeyEncoder {

  private final MessageDigest digest;

  KeyEncoder(String kind) {
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM lacks SHA-256", e);
    }
    str(kind);
  }

  KeyEncoder str(String s) {
    if (s == null) {
      digest.update((byte) 'n');
      return this;
    }
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    digest.update((byte) 's');
    num(bytes.length);
    digest.update(bytes);
    return this;
  }

  KeyEncoder num(long n) {
    digest.update((byte) 'i');
    for (int shift = 56; shift >= 0; shift -= 8) {
      digest.update((byte) (n >>> shift));
    }
    return this;
  }

  KeyEncoder opt(Integer n) {
    return n == null ? str(null) : num(n);
  }

  KeyEncoder bool(boolean b) {
    digest.update((byte) (b ? 'T' : 'F'));
    return this;
  }

  KeyEncoder strs(List<String> list) {
    digest.update((byte) 'l');
    num(list.size());
    list.forEach(this::str);
    return this;
  }

  KeyEncoder key(Vertex v) {
    return v == null ? str(null) : str(v.cacheKey().value());
  }

  CacheKey finish() {
    return new CacheKey("sha256:" + HexFormat.of().formatHex(digest.digest()));
  }
}
