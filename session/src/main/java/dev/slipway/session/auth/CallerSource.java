package dev.slipway.session.auth;

/**
 * Turns the bearer token of a call into its {@link Caller}: the one place a builder decides who is
 * calling. The token may be absent (null).
 */
@FunctionalInterface
public interface CallerSource {
  Caller authenticate(String bearerToken) throws InvalidGrantException;

  /** Grants signed by the operator for this builder's audience. */
  static CallerSource grants(GrantVerifier verifier) {
    return token -> Caller.of(verifier.verify(token));
  }

  /**
   * One fixed token, for a single-user builder in local development: whoever holds it is {@code
   * principal} with every scope. Compared in constant time.
   */
  static CallerSource sharedToken(String token, String principal) {
    return new SharedTokenSource(token, principal);
  }

  /** No authentication at all (--insecure-no-auth on loopback): every call is {@code principal}. */
  static CallerSource anyone(String principal) {
    Caller everyone =
        new Caller(
            principal, java.util.EnumSet.allOf(GrantScope.class), java.util.Optional.empty());
    return token -> everyone;
  }
}
