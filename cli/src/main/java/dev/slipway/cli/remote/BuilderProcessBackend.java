package dev.slipway.cli.remote;

import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.cli.backend.BuildBackend;
import dev.slipway.cli.usage.UsageException;
import dev.slipway.engine.job.BuildCancellation;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.session.BuildSession;
import dev.slipway.session.ContextKey;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A builder process named by {@code --builder grpc://HOST:PORT} or {@code grpcs://HOST:PORT} (with
 * {@code --token-file} and {@code --tls-ca}).
 */
public final class BuilderProcessBackend implements BuildBackend {
  private final RemoteBuilder builder;

  private BuilderProcessBackend(RemoteBuilder builder) {
    this.builder = builder;
  }

  /**
   * The builder at {@code address}, with the bearer token in {@code tokenFile} if given, trusting
   * the CA in {@code tlsCa} (null: the system's) for a grpcs:// address; {@code env} is the
   * command's environment, which names this machine's context key.
   */
  public static BuilderProcessBackend connect(
      String address, Path tokenFile, Path tlsCa, Map<String, String> env) {
    return new BuilderProcessBackend(remote(address, tokenFile, tlsCa, env));
  }

  /** The builder at {@code address}, checked and credentialed as {@link #connect} does. */
  public static RemoteBuilder remote(
      String address, Path tokenFile, Path tlsCa, Map<String, String> env) {
    BuilderAddress parsed = BuilderAddress.parse(address);
    if (!parsed.tls() && !isLoopback(parsed.host())) {
      throw new UsageException(
          "--builder "
              + address
              + ": grpc:// is plaintext, for a builder on this machine; a builder elsewhere is"
              + " reached over TLS: grpcs://"
              + parsed.host()
              + ":"
              + parsed.port()
              + " with --tls-ca FILE");
    }
    String token = null;
    if (tokenFile != null) {
      try {
        token = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
      } catch (IOException e) {
        throw new UsageException(
            "--token-file " + tokenFile + ": cannot read it: " + e.getMessage());
      }
      if (token.isEmpty()) {
        throw new UsageException("--token-file " + tokenFile + " is empty");
      }
    }
    byte[] contextSecret = ContextKey.secret(ContextKey.defaultSecretFile(env));
    return RemoteBuilder.connect(parsed, token, tlsCa, contextSecret);
  }

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new UsageException("--builder: cannot resolve " + host + ": " + e.getMessage());
    }
  }

  @Override
  public BuildResult build(
      SolveRequest request,
      BuildSession session,
      Consumer<SolveEvent> progress,
      BuildCancellation cancellation)
      throws BuildFailedException {
    return builder.solve(request, session, progress, cancellation);
  }

  @Override
  public void close() {
    builder.close();
  }
}
