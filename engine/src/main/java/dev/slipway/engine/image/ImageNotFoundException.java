package dev.slipway.engine.image;

import java.io.IOException;

/** A name, reference or platform that no stored or archived image matches. */
public final class ImageNotFoundException extends IOException {
  public ImageNotFoundException(String message) {
    super(message);
  }
}
