package dev.slipway.session;

/**
 * A resource could not be had from the client: the session is gone, a context is missing, a secret
 * file is unreadable. The message names the resource but never carries a secret value.
 */
public class SessionException extends Exception {
  public SessionException(String message) {
    super(message);
  }

  public SessionException(String message, Throwable cause) {
    super(message, cause);
  }
}
