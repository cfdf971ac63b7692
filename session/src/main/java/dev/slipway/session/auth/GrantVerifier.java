package dev.slipway.session.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import java.text.ParseException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a bearer token against one signer's public key and one audience and returns its grant.
 * Only ES256 is accepted (no "none", no HMAC with the public key as secret); expiry allows a small
 * clock skew. Messages say what is wrong, never the token itself.
 */
public final class GrantVerifier {
  /** Seconds a builder's clock may differ from the operator's. */
  static final int CLOCK_SKEW_SECONDS = 30;

  private final ECDSAVerifier verifier;
  private final DefaultJWTClaimsVerifier<?> claims;
  private final String audience;

  public GrantVerifier(String publicKeyPem, String audience) {
    if (audience == null || audience.isBlank()) {
      throw new IllegalArgumentException("a grant verifier needs an audience");
    }
    try {
      this.verifier = new ECDSAVerifier(EcKeys.publicKey(publicKeyPem));
    } catch (JOSEException e) {
      throw new IllegalArgumentException("the public key is not a P-256 key: " + e.getMessage());
    }
    this.audience = audience;
    this.claims =
        new DefaultJWTClaimsVerifier<>(audience, null, Set.of("sub", "exp", GrantSigner.SCOPES));
    this.claims.setMaxClockSkew(CLOCK_SKEW_SECONDS);
  }

  public BuildGrant verify(String token) throws InvalidGrantException {
    if (token == null || token.isBlank()) {
      throw new InvalidGrantException(
          "no grant given; this builder needs \"authorization: Bearer GRANT\" with a grant signed for it");
    }
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token.strip());
    } catch (ParseException e) {
      throw new InvalidGrantException("the grant is not a signed JWT");
    }
    if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm())) {
      throw new InvalidGrantException(
          "the grant is signed with " + jwt.getHeader().getAlgorithm() + ", not ES256");
    }
    try {
      if (!jwt.verify(verifier)) {
        throw new InvalidGrantException("the grant's signature does not match this builder's key");
      }
    } catch (JOSEException e) {
      throw new InvalidGrantException("the grant's signature cannot be checked: " + e.getMessage());
    }
    JWTClaimsSet set;
    try {
      set = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new InvalidGrantException("the grant's claims are not JSON");
    }
    try {
      claims.verify(set, null);
    } catch (BadJWTException e) {
      throw new InvalidGrantException(refusal(set, e));
    }
    return toGrant(set);
  }

  /** The reason in words: the two refusals callers meet most get their own. */
  private String refusal(JWTClaimsSet set, BadJWTException e) {
    if (set.getAudience() == null || !set.getAudience().contains(audience)) {
      return "the grant is for another builder (audience "
          + set.getAudience()
          + ", this builder is "
          + audience
          + "); ask for a grant for this builder";
    }
    if (set.getExpirationTime() != null
        && set.getExpirationTime()
            .toInstant()
            .plusSeconds(CLOCK_SKEW_SECONDS)
            .isBefore(Instant.now())) {
      return "the grant expired at " + set.getExpirationTime().toInstant() + "; ask for a new one";
    }
    return "the grant is refused: " + e.getMessage();
  }

  private static BuildGrant toGrant(JWTClaimsSet set) throws InvalidGrantException {
    try {
      List<String> names = set.getStringListClaim(GrantSigner.SCOPES);
      Set<GrantScope> scopes = EnumSet.noneOf(GrantScope.class);
      for (String name : names) {
        scopes.add(GrantScope.valueOf(name));
      }
      Optional<String> build = Optional.ofNullable(set.getStringClaim(GrantSigner.BUILD));
      return new BuildGrant(set.getSubject(), scopes, build, set.getExpirationTime().toInstant());
    } catch (ParseException | IllegalArgumentException e) {
      throw new InvalidGrantException("the grant's claims are malformed: " + e.getMessage());
    }
  }
}
