package dev.slipway.session.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import java.util.UUID;

/**
 * Signs {@link BuildGrant}s as ES256 JWTs for one audience (one Builder). The operator holds the
 * signer; builders hold only the public key, so a builder can verify but never mint a grant.
 *
 * <p>{@link #privateKeyPem()} writes the private key and its public key as two PEM blocks, because
 * the JDK cannot derive the public half of an EC key; {@link #fromPrivateKeyPem} reads both back.
 */
public final class GrantSigner {
  static final String SCOPES = "scopes";
  static final String BUILD = "build";

  private final ECPrivateKey privateKey;
  private final ECPublicKey publicKey;
  private final ECDSASigner signer;

  private GrantSigner(ECPrivateKey privateKey, ECPublicKey publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    try {
      this.signer = new ECDSASigner(privateKey);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("the key is not a P-256 key: " + e.getMessage(), e);
    }
  }

  /** A new P-256 key pair. */
  public static GrantSigner generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      var pair = generator.generateKeyPair();
      return new GrantSigner((ECPrivateKey) pair.getPrivate(), (ECPublicKey) pair.getPublic());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot make P-256 keys", e);
    }
  }

  /** Reads what {@link #privateKeyPem()} wrote: a PRIVATE KEY block and a PUBLIC KEY block. */
  public static GrantSigner fromPrivateKeyPem(String pem) {
    return new GrantSigner(EcKeys.privateKey(pem), EcKeys.publicKey(pem));
  }

  public String privateKeyPem() {
    return EcKeys.privatePem(privateKey) + EcKeys.publicPem(publicKey);
  }

  /** What a builder needs to verify this signer's grants (for {@link GrantVerifier}). */
  public String publicKeyPem() {
    return EcKeys.publicPem(publicKey);
  }

  /** A compact JWT carrying the grant, valid only for {@code audience} and until its expiry. */
  public String sign(BuildGrant grant, String audience) {
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .subject(grant.principal())
            .audience(audience)
            .issueTime(new Date())
            .expirationTime(Date.from(grant.expiresAt()))
            .jwtID(UUID.randomUUID().toString())
            .claim(SCOPES, grant.scopes().stream().map(Enum::name).sorted().toList());
    grant.buildId().ifPresent(id -> claims.claim(BUILD, id));
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.ES256), claims.build());
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a grant: " + e.getMessage(), e);
    }
    return jwt.serialize();
  }
}
