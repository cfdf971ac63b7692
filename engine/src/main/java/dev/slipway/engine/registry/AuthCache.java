package dev.slipway.engine.registry;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authorization headers already obtained: basic credentials per host, bearer tokens per host and
 * scope set. Whoever holds one of these may use what it grants, so a header obtained with a build's
 * credentials lives in that build's {@link RegistryAccess} only; anonymous tokens (public content)
 * live in one cache the engine shares.
 */
final class AuthCache {
  private final Map<String, String> basicByHost = new ConcurrentHashMap<>();
  private final Map<String, String> tokenByScope = new ConcurrentHashMap<>();

  Optional<String> header(String host, List<String> scopes) {
    String basic = basicByHost.get(host);
    return Optional.ofNullable(basic != null ? basic : tokenByScope.get(key(host, scopes)));
  }

  void basic(String host, String header) {
    basicByHost.put(host, header);
  }

  void token(String host, List<String> scopes, String header) {
    tokenByScope.put(key(host, scopes), header);
  }

  /** Forgets what was known, after the registry refused it (an expired token). */
  void forget(String host, List<String> scopes) {
    basicByHost.remove(host);
    tokenByScope.remove(key(host, scopes));
  }

  private static String key(String host, List<String> scopes) {
    return host + "|" + String.join(" ", scopes);
  }
}
