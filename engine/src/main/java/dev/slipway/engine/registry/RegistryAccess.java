package dev.slipway.engine.registry;

import dev.slipway.engine.content.Digest;
import dev.slipway.session.BuildSession;
import dev.slipway.session.RegistryCredentials;
import dev.slipway.session.SessionException;
import java.io.IOException;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How one build may reach registries: whose credentials to present (asked from the build's session,
 * so in cluster mode they come from the client, never from the builder's disk), which hosts are
 * spoken to over plain http, and what the build obtained with its credentials (tokens, and the
 * digests its references resolved to). Make one per build and never share it: that is what keeps
 * one build's registry access from serving another.
 */
public final class RegistryAccess {

  /** Looks up credentials for a registry host; empty means anonymous. */
  @FunctionalInterface
  public interface Credentials {
    Optional<RegistryCredentials> forHost(String host) throws IOException;
  }

  private final Credentials credentials;
  private final Set<String> insecureHosts;
  private final String owner;
  private final Map<String, Optional<RegistryCredentials>> credentialsByHost =
      new ConcurrentHashMap<>();
  private final AuthCache authCache = new AuthCache();
  private final Map<String, Digest> resolved = new ConcurrentHashMap<>();

  /**
   * @param owner whose build this is ({@link BuildSession#ownerKey()}): names it pulled or built
   *     serve its later builds without a registry check
   */
  public RegistryAccess(Credentials credentials, Collection<String> insecureHosts, String owner) {
    this.credentials = credentials;
    this.insecureHosts = Set.copyOf(insecureHosts);
    this.owner = owner;
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
        insecureHosts,
        session.ownerKey());
  }

  /** No credentials; plain http for loopback only. */
  public static RegistryAccess anonymous() {
    return new RegistryAccess(host -> Optional.empty(), Set.of(), "anonymous");
  }

  /** Whose build this access serves. */
  public String owner() {
    return owner;
  }

  /** The build's credentials for {@code host}, asked of its session once per host. */
  Optional<RegistryCredentials> credentials(String host) throws IOException {
    Optional<RegistryCredentials> known = credentialsByHost.get(host);
    if (known == null) {
      known = credentials.forHost(host);
      credentialsByHost.put(host, known);
    }
    return known;
  }

  /** Whether the build has credentials for {@code registry} (host[:port] as in image names). */
  public boolean hasCredentials(String registry) throws IOException {
    return credentials(registry).isPresent();
  }

  AuthCache authCache() {
    return authCache;
  }

  /** What a reference resolved to for this build, if it asked already. */
  Digest resolved(String key) {
    return resolved.get(key);
  }

  void resolved(String key, Digest digest) {
    resolved.put(key, digest);
  }

  /**
   * Whether {@code registry} (host[:port] as in image names) is reached over http: hosts the
   * request lists as insecure, and loopback (as Docker allows for 127.0.0.0/8).
   */
  boolean plainHttp(ImageName name) {
    return name.isLoopback() || insecureHosts.contains(name.registry());
  }
}
