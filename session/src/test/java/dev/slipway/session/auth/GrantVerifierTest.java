package dev.slipway.session.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GrantVerifierTest {
  private static final String AUDIENCE = "builder/team-a/default";

  private final GrantSigner signer = GrantSigner.generate();
  private final GrantVerifier verifier = new GrantVerifier(signer.publicKeyPem(), AUDIENCE);

  private static BuildGrant grant(Duration lifetime) {
    return new BuildGrant(
        "alice", Set.of(GrantScope.BUILD), Optional.of("build-1"), Instant.now().plus(lifetime));
  }

  @Test
  void aSignedGrantComesBackWithItsClaims() throws Exception {
    BuildGrant grant = grant(Duration.ofMinutes(5));

    BuildGrant verified = verifier.verify(signer.sign(grant, AUDIENCE));

    assertThat(verified.principal()).isEqualTo("alice");
    assertThat(verified.scopes()).containsExactly(GrantScope.BUILD);
    assertThat(verified.buildId()).contains("build-1");
    assertThat(verified.expiresAt().getEpochSecond()).isEqualTo(grant.expiresAt().getEpochSecond());
  }

  @Test
  void anAdminGrantWithoutABuildKeepsBoth() throws Exception {
    var admin =
        new BuildGrant(
            "ops",
            Set.of(GrantScope.BUILD, GrantScope.ADMIN),
            Optional.empty(),
            Instant.now().plusSeconds(60));

    BuildGrant verified = verifier.verify(signer.sign(admin, AUDIENCE));

    assertThat(verified.scopes()).containsExactlyInAnyOrder(GrantScope.BUILD, GrantScope.ADMIN);
    assertThat(verified.buildId()).isEmpty();
  }

  @Test
  void aSignerReadBackFromItsPemSignsGrantsTheOldPublicKeyAccepts() throws Exception {
    GrantSigner reloaded = GrantSigner.fromPrivateKeyPem(signer.privateKeyPem());

    assertThat(reloaded.publicKeyPem()).isEqualTo(signer.publicKeyPem());
    assertThat(verifier.verify(reloaded.sign(grant(Duration.ofMinutes(1)), AUDIENCE)).principal())
        .isEqualTo("alice");
  }

  @Test
  void aTamperedPayloadIsRefused() {
    String token = signer.sign(grant(Duration.ofMinutes(5)), AUDIENCE);
    String[] parts = token.split("\\.");
    String forged =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                    .replace("\"BUILD\"", "\"ADMIN\"")
                    .getBytes(StandardCharsets.UTF_8));
    String tampered = parts[0] + "." + forged + "." + parts[2];

    assertRefused(tampered, "signature");
  }

  @Test
  void anExpiredGrantIsRefusedBeyondTheClockSkew() {
    assertRefused(
        signer.sign(grant(Duration.ofSeconds(-GrantVerifier.CLOCK_SKEW_SECONDS - 5)), AUDIENCE),
        "xpired");
  }

  @Test
  void aGrantForAnotherBuilderIsRefused() {
    assertRefused(signer.sign(grant(Duration.ofMinutes(5)), "builder/team-b/default"), "audience");
  }

  @Test
  void aGrantFromAnotherKeyIsRefused() {
    GrantSigner other = GrantSigner.generate();

    assertRefused(other.sign(grant(Duration.ofMinutes(5)), AUDIENCE), "signature");
  }

  @Test
  void anUnsignedGrantIsRefused() {
    String plain =
        new PlainJWT(
                new JWTClaimsSet.Builder()
                    .subject("mallory")
                    .audience(AUDIENCE)
                    .expirationTime(Date.from(Instant.now().plusSeconds(60)))
                    .claim("scopes", List.of("ADMIN"))
                    .build())
            .serialize();

    assertRefused(plain, "signed");
  }

  @Test
  void anHmacGrantKeyedWithThePublicKeyIsRefused() throws Exception {
    byte[] secret = signer.publicKeyPem().getBytes(StandardCharsets.UTF_8);
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader(JWSAlgorithm.HS256),
            new JWTClaimsSet.Builder()
                .subject("mallory")
                .audience(AUDIENCE)
                .expirationTime(Date.from(Instant.now().plusSeconds(60)))
                .claim("scopes", List.of("ADMIN"))
                .build());
    jwt.sign(new MACSigner(secret));

    assertRefused(jwt.serialize(), "ES256");
  }

  @Test
  void garbageAndEmptyTokensAreRefused() {
    assertRefused("not-a-token", "not a signed JWT");
    assertRefused("", "no grant");
  }

  @Test
  void anUnknownScopeIsRefusedNotIgnored() throws Exception {
    var jwt =
        new SignedJWT(
            new JWSHeader(JWSAlgorithm.ES256),
            new JWTClaimsSet.Builder()
                .subject("alice")
                .audience(AUDIENCE)
                .expirationTime(Date.from(Instant.now().plusSeconds(60)))
                .claim("scopes", List.of("ROOT"))
                .build());
    jwt.sign(new ECDSASigner(EcKeys.privateKey(signer.privateKeyPem())));

    assertRefused(jwt.serialize(), "malformed");
  }

  private void assertRefused(String token, String reason) {
    assertThatThrownBy(() -> verifier.verify(token))
        .isInstanceOf(InvalidGrantException.class)
        .hasMessageContaining(reason)
        .satisfies(
            e -> {
              if (token.length() > 8) {
                assertThat(e.getMessage()).doesNotContain(token);
              }
            });
  }
}
