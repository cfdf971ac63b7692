package dev.slipway.engine.sign;

/** A signing key that cannot be used; the message says why, never what the key holds. */
public final class InvalidSigningKeyException extends Exception {
  public InvalidSigningKeyException(String message) {
    super(message);
  }
}
