package dev.slipway.engine.snapshot;

import java.io.IOException;

/**
 * A snapshot operation failed: the message says what, where (snapshot key or path) and how to fix
 * it. Extends IOException so callers handle file-system and snapshot failures in one place.
 */
public class SnapshotException extends IOException {

  public SnapshotException(String message) {
    super(message);
  }

  public SnapshotException(String message, Throwable cause) {
    super(message, cause);
  }
}
