package dev.slipway.cli.remote;

import dev.slipway.cli.usage.UsageException;
import java.net.URI;

/**
 * Where a builder listens, as given to {@code --builder grpc://HOST:PORT} (plaintext) or {@code
 * grpcs://HOST:PORT} (TLS).
 */
public record BuilderAddress(String host, int port, boolean tls) {

  /** A plaintext address (loopback, or the local end of a tunnel). */
  public BuilderAddress(String host, int port) {
    this(host, port, false);
  }

  public static BuilderAddress parse(String text) {
    URI uri;
    try {
      uri = URI.create(text);
    } catch (IllegalArgumentException e) {
      uri = null;
    }
    if (uri == null
        || !("grpc".equals(uri.getScheme()) || "grpcs".equals(uri.getScheme()))
        || uri.getHost() == null
        || uri.getPort() < 1
        || !(uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/"))) {
      throw new UsageException(
          "--builder "
              + text
              + ": expected grpc://HOST:PORT (loopback) or grpcs://HOST:PORT (TLS), e.g."
              + " grpc://127.0.0.1:7443");
    }
    return new BuilderAddress(uri.getHost(), uri.getPort(), "grpcs".equals(uri.getScheme()));
  }

  @Override
  public String toString() {
    return (tls ? "grpcs" : "grpc") + "://" + host + ":" + port;
  }
}
