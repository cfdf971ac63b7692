package dev.slipway.engine.content;

/** A digest string that is not {@code sha256:<64 lowercase hex>}. */
public final class InvalidDigestException extends IllegalArgumentException {
  public InvalidDigestException(String message) {
    super(message);
  }
}
