package dev.slipway.engine.source;

/**
 * A remote source (ADD of an http(s) or git URL) could not be fetched. Messages show URLs without
 * their user-info part, which may hold credentials.
 */
public final class SourceFetchException extends RuntimeException {

  public SourceFetchException(String message) {
    super(message);
  }

  public SourceFetchException(String message, Throwable cause) {
    super(message, cause);
  }

  /** {@code url} with any {@code user:password@} removed. */
  public static String redact(String url) {
    return url.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@", "$1");
  }
}
