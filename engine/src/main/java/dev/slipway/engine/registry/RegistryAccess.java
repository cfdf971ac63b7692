package dev.slipway.engine.registry;

import dev.slipway.session.BuildSession;
import dev.slipway.session.RegistryCredentials;
import dev.slipway.session.SessionException;
import java.io.IOException;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/**
 * How one build may reach registries: whose credentials to present (asked from the build's session,
 * so in cluster mode they come from the client, never from the builder's disk) and which hosts are
 * spoken to over plain http.
 */
public final class RegistryAccess {

  /** Looks up credentials for a registry host; empty means anonymous. */
  @FunctionalInterface
  public interface Credentials {
    Optional<RegistryCredentials> forHost(String host) throws IOException;
  }

  private final Credentials credentials;
  private final Set<String> insecureHosts;

  public RegistryAccess(Credentials credentials, Collection<String> insecureHosts) {
    this.credentials = credentials;
    this.insecureHosts = Set.copyOf(insecureHosts);
  }

  /** Credentials from {@code session}; plain http for loopback and {@code insecureHosts}. */
  public static RegistryAccess of(BuildSession session, Collection<String> insecureHosts) {
    return new RegistryAccess(
        host -> {
          try {
            return session.registryCredentials(host);
          } catch (SessionException e) {
            throw new RegistryException(
                "cannot get the credentials for " + host + " from the client: " + e.getMessage(),
                e);
          }
        },
        insecureHosts);
  }

  /** No credentials; plain http for loopback only. */
  public static RegistryAccess anonymous() {
    return new RegistryAccess(host -> Optional.empty(), Set.of());
  }

  Optional<RegistryCredentials> credentials(String host) throws IOException {
    return credentials.forHost(host);
  }

  /**
   * Whether {@code registry} (host[:port] as in image names) is reached over http: hosts the
   * request lists as insecure, and loopback (as Docker allows for 127.0.0.0/8).
   */
  boolean plainHttp(ImageName name) {
    return name.isLoopback() || insecureHosts.contains(name.registry());
  }
}
