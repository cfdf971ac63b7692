package dev.slipway.engine.exec;

/** A USER (or --chown-like) name does not exist in the root filesystem's passwd or group file. */
public final class UnknownUserException extends ExecException {

  public UnknownUserException(String message) {
    super(message);
  }
}
