package dev.slipway.confined;

import java.io.IOException;

/**
 * A name from a client, a Dockerfile or an archive was refused by a {@link ConfinedRoot}. The
 * message says which name, where beneath the root (never the host path) and why.
 */
public class ConfinedPathException extends IOException {
  private final String name;

  public ConfinedPathException(String name, String message) {
    super(message);
    this.name = name;
  }

  /** The refused name as it was given. */
  public String name() {
    return name;
  }
}
