package dev.slipway.engine.registry;

import java.io.IOException;

/** A registry refused or failed a request. Messages never contain credentials. */
public class RegistryException extends IOException {
  private final int status;

  public RegistryException(String message, int status) {
    super(message);
    this.status = status;
  }

  public RegistryException(String message, Throwable cause) {
    super(message, cause);
    this.status = 0;
  }

  /** The HTTP status, or 0 when the registry could not be reached. */
  public int status() {
    return status;
  }
}
