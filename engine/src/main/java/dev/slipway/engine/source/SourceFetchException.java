package dev.slipway.engine.source;

/**
 * A remote source (ADD of an http(s) or git URL) could not be fetched. Messages show URLs with the
 * credentials of their user-info part hidden ({@link UrlCredentials}).
 */
public final class SourceFetchException extends RuntimeException {

  public SourceFetchException(String message) {
    super(message);
  }

  public SourceFetchException(String message, Throwable cause) {
    super(message, cause);
  }

  /** {@code url} with the credentials of its user-info part hidden. */
  public static String redact(String url) {
    return UrlCredentials.redact(url);
  }
}
