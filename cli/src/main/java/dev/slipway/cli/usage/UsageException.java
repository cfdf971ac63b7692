package dev.slipway.cli.usage;

/** A flag value the user must correct; the CLI prints the message and exits with status 2. */
public final class UsageException extends RuntimeException {
  public UsageException(String message) {
    super(message);
  }
}
