package dev.slipway.engine.content;

import java.io.IOException;

/** A manifest, index, config or archive that cannot be understood. */
public class InvalidContentException extends IOException {
  public InvalidContentException(String message) {
    super(message);
  }

  public InvalidContentException(String message, Throwable cause) {
    super(message, cause);
  }
}
