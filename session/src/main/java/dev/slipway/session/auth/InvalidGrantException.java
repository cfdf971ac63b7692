package dev.slipway.session.auth;

/** A bearer token is not a valid grant; the message says why, never what the token was. */
public final class InvalidGrantException extends Exception {
  public InvalidGrantException(String message) {
    super(message);
  }

  public InvalidGrantException(String message, Throwable cause) {
    super(message, cause);
  }
}
