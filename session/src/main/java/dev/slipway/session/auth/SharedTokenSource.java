package dev.slipway.session.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.Optional;

/** A single-user builder's one token; see {@link CallerSource#sharedToken}. */
final class SharedTokenSource implements CallerSource {
  private final byte[] expected;
  private final Caller caller;

  SharedTokenSource(String token, String principal) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("the shared token is empty");
    }
    this.expected = token.getBytes(StandardCharsets.UTF_8);
    this.caller = new Caller(principal, EnumSet.allOf(GrantScope.class), Optional.empty());
  }

  @Override
  public Caller authenticate(String bearerToken) throws InvalidGrantException {
    if (bearerToken == null || bearerToken.isEmpty()) {
      throw new InvalidGrantException("this builder requires a token: pass --token-file FILE");
    }
    if (!MessageDigest.isEqual(expected, bearerToken.getBytes(StandardCharsets.UTF_8))) {
      throw new InvalidGrantException("the token is not this builder's; check --token-file");
    }
    return caller;
  }
}
