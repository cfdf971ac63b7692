package dev.slipway.engine.content;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A content digest, {@code sha256:<64 lowercase hex>}: the identity of every blob, manifest and
 * layer. Only sha256 is supported because it is what every registry and runtime produces.
 */
public record Digest(String hex) implements Comparable<Digest> {

  public static final String ALGORITHM = "sha256";
  private static final String PREFIX = ALGORITHM + ":";

  public Digest {
    if (hex == null || hex.length() != 64 || !isLowerHex(hex)) {
      throw new InvalidDigestException(
          "invalid sha256 digest hex \""
              + hex
              + "\": expected 64 lowercase hexadecimal characters");
    }
  }

  /** Parses {@code sha256:<hex>}, throwing {@link InvalidDigestException} saying what is wrong. */
  @JsonCreator
  public static Digest parse(String text) {
    if (text == null) {
      throw new InvalidDigestException("missing digest: expected sha256:<64 hex characters>");
    }
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw new InvalidDigestException(
          "invalid digest \"" + text + "\": expected algorithm:hex, e.g. sha256:<64 hex>");
    }
    String algorithm = text.substring(0, colon);
    if (!algorithm.equals(ALGORITHM)) {
      throw new InvalidDigestException(
          "unsupported digest algorithm \""
              + algorithm
              + "\" in \""
              + text
              + "\": only sha256 is supported");
    }
    String hex = text.substring(colon + 1);
    if (hex.length() != 64 || !isLowerHex(hex)) {
      throw new InvalidDigestException(
          "invalid digest \"" + text + "\": expected sha256: followed by 64 lowercase hex");
    }
    return new Digest(hex);
  }

  /** The digest of a byte array. */
  public static Digest of(byte[] bytes) {
    return fromBytes(newSha256().digest(bytes));
  }

  /** The digest a finished {@link MessageDigest} computed (must be sha256). */
  public static Digest fromBytes(byte[] sha256) {
    return new Digest(HexFormat.of().formatHex(sha256));
  }

  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  /** True when {@code text} is a well-formed sha256 digest. */
  public static boolean isValid(String text) {
    try {
      parse(text);
      return true;
    } catch (InvalidDigestException e) {
      return false;
    }
  }

  private static boolean isLowerHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int compareTo(Digest o) {
    return hex.compareTo(o.hex);
  }

  @JsonValue
  @Override
  public String toString() {
    return PREFIX + hex;
  }
}
