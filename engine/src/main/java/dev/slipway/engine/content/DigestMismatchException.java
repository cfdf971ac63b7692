package dev.slipway.engine.content;

import java.io.IOException;

/** Content whose bytes do not hash (or measure) to what its descriptor promised. */
public final class DigestMismatchException extends IOException {
  public DigestMismatchException(String message) {
    super(message);
  }

  static DigestMismatchException of(
      String what, Digest expected, Digest actual, long actualSize, String fix) {
    return new DigestMismatchException(
        what
            + ": expected digest "
            + expected
            + " but the content ("
            + actualSize
            + " bytes) hashes to "
            + actual
            + "; "
            + fix);
  }
}
