package dev.slipway.engine.sign;

import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * An ECDSA P-256 private key for cosign signatures, read from PEM: unencrypted PKCS#8 ({@code BEGIN
 * PRIVATE KEY}) or SEC1 ({@code BEGIN EC PRIVATE KEY}, what {@code openssl ecparam -genkey}
 * writes). The public key is derived from the private one, so a key file cannot pair a private key
 * with someone else's public key. Error messages say what is wrong with the key, never its bytes.
 */
public final class SigningKey {
  private static final String CURVE = "secp256r1";
  private static final Set<String> ENCRYPTED =
      Set.of(
          "ENCRYPTED PRIVATE KEY",
          "ENCRYPTED SIGSTORE PRIVATE KEY",
          "ENCRYPTED COSIGN PRIVATE KEY");

  private final PrivateKey privateKey;
  private final PublicKey publicKey;

  private SigningKey(PrivateKey privateKey, PublicKey publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
  }

  /**
   * Parses a PEM key; the caller zeroes {@code pem} afterwards.
   *
   * @throws InvalidSigningKeyException saying what is wrong and what is expected
   */
  public static SigningKey parse(byte[] pem) throws InvalidSigningKeyException {
    try (PemReader reader =
        new PemReader(
            new InputStreamReader(
                new java.io.ByteArrayInputStream(pem), StandardCharsets.US_ASCII))) {
      for (PemObject o; (o = reader.readPemObject()) != null; ) {
        byte[] der = o.getContent();
        try {
          switch (o.getType()) {
            case "PRIVATE KEY" -> {
              return fromPkcs8(der);
            }
            case "EC PRIVATE KEY" -> {
              return fromSec1(der);
            }
            case "EC PARAMETERS" -> {
              // openssl ecparam -genkey writes the curve's name before the key
            }
            default -> {
              if (ENCRYPTED.contains(o.getType())) {
                throw new InvalidSigningKeyException(
                    "the signing key is encrypted ("
                        + o.getType()
                        + "); give it unencrypted (PKCS#8 or SEC1 PEM), e.g. from"
                        + " openssl ecparam -name prime256v1 -genkey -noout");
              }
              throw new InvalidSigningKeyException(
                  "the signing key file holds a PEM block of type "
                      + o.getType()
                      + "; expected PRIVATE KEY (PKCS#8) or EC PRIVATE KEY (SEC1)");
            }
          }
        } finally {
          Arrays.fill(der, (byte) 0);
        }
      }
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      throw new InvalidSigningKeyException(
          "the signing key is not a well-formed PEM ECDSA key ("
              + e.getClass().getSimpleName()
              + ")");
    }
    throw new InvalidSigningKeyException(
        "the signing key file holds no PEM private key: expected -----BEGIN PRIVATE KEY----- or"
            + " -----BEGIN EC PRIVATE KEY-----");
  }

  private static SigningKey fromPkcs8(byte[] der) throws InvalidSigningKeyException, IOException {
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(der);
    if (!X9ObjectIdentifiers.id_ecPublicKey.equals(info.getPrivateKeyAlgorithm().getAlgorithm())) {
      throw new InvalidSigningKeyException(
          "the signing key is not an ECDSA key (algorithm "
              + info.getPrivateKeyAlgorithm().getAlgorithm()
              + "); cosign keys are ECDSA P-256");
    }
    checkCurve(info.getPrivateKeyAlgorithm().getParameters());
    return fromScalar(ECPrivateKey.getInstance(info.parsePrivateKey()).getKey());
  }

  private static SigningKey fromSec1(byte[] der) throws InvalidSigningKeyException {
    ECPrivateKey key = ECPrivateKey.getInstance(der);
    checkCurve(key.getParametersObject());
    return fromScalar(key.getKey());
  }

  private static void checkCurve(ASN1Encodable parameters) throws InvalidSigningKeyException {
    if (!(parameters instanceof ASN1ObjectIdentifier curve)
        || !curve.equals(X9ObjectIdentifiers.prime256v1)) {
      throw new InvalidSigningKeyException(
          "the signing key is not on the curve P-256 (prime256v1)"
              + (parameters instanceof ASN1ObjectIdentifier c ? ", it names " + c : "")
              + "; make one with openssl ecparam -name prime256v1 -genkey -noout");
    }
  }

  private static SigningKey fromScalar(BigInteger d) throws InvalidSigningKeyException {
    X9ECParameters curve = ECNamedCurveTable.getByName(CURVE);
    if (d.signum() <= 0 || d.compareTo(curve.getN()) >= 0) {
      throw new InvalidSigningKeyException("the signing key's private scalar is out of range");
    }
    org.bouncycastle.math.ec.ECPoint q = curve.getG().multiply(d).normalize();
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec(CURVE));
      ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
      KeyFactory factory = KeyFactory.getInstance("EC");
      return new SigningKey(
          factory.generatePrivate(new ECPrivateKeySpec(d, spec)),
          factory.generatePublic(
              new ECPublicKeySpec(
                  new ECPoint(
                      q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()),
                  spec)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no ECDSA P-256: " + e.getMessage(), e);
    }
  }

  /** An ECDSA signature (ASN.1 DER, as cosign writes and reads) of SHA-256 of {@code payload}. */
  public byte[] sign(byte[] payload) {
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(privateKey);
      s.update(payload);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ECDSA signing failed: " + e.getMessage(), e);
    }
  }

  /** Whether {@code signature} (DER) is this key's signature of {@code payload}. */
  public boolean verifies(byte[] payload, byte[] signature) {
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initVerify(publicKey);
      s.update(payload);
      return s.verify(signature);
    } catch (java.security.SignatureException e) {
      return false; // not a DER signature at all
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ECDSA verification failed: " + e.getMessage(), e);
    }
  }

  public PublicKey publicKey() {
    return publicKey;
  }
}
