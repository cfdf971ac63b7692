package dev.slipway.cli.history;

/** A history reference or record that cannot be had, with what to do instead. */
public final class HistoryException extends RuntimeException {
  public HistoryException(String message) {
    super(message);
  }
}
