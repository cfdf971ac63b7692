package dev.slipway.cli.remote;

import dev.slipway.cli.usage.UsageException;
import java.net.URI;

/** Where a builder listens, as given to {@code --builder grpc://HOST:PORT}. */
public record BuilderAddress(String host, int port) {

  public static BuilderAddress parse(String text) {
    URI uri;
    try {
      uri = URI.create(text);
    } catch (IllegalArgumentException e) {
      uri = null;
    }
    if (uri == null
        || !"grpc".equals(uri.getScheme())
        || uri.getHost() == null
        || uri.getPort() < 1
        || !(uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/"))) {
      throw new UsageException(
          "--builder " + text + ": expected grpc://HOST:PORT, e.g. grpc://127.0.0.1:7443");
    }
    return new BuilderAddress(uri.getHost(), uri.getPort());
  }

  @Override
  public String toString() {
    return "grpc://" + host + ":" + port;
  }
}
