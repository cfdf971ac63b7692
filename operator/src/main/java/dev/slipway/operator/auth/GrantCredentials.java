package dev.slipway.operator.auth;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import java.util.concurrent.Executor;

/**
 * A signed grant sent as {@code authorization: Bearer <grant>} on a call to a builder pod. The
 * grant never appears in logs or {@link #toString()}.
 */
public final class GrantCredentials extends CallCredentials {

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final String token;

  GrantCredentials(String token) {
    this.token = token;
  }

  /** The signed grant itself, for the one place that hands it on: the build's session Secret. */
  public String token() {
    return token;
  }

  @Override
  public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + token);
    applier.apply(headers);
  }

  @Override
  public String toString() {
    return "GrantCredentials[redacted]";
  }
}
