package dev.slipway.session.auth;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * P-256 keys as PEM (PKCS#8 private, X.509 SubjectPublicKeyInfo public), the forms openssl and
 * Kubernetes Secrets carry. The JDK parses both; PEM is only base64 between two markers.
 */
final class EcKeys {
  private static final String PRIVATE = "PRIVATE KEY";
  private static final String PUBLIC = "PUBLIC KEY";

  private EcKeys() {}

  static ECPrivateKey privateKey(String pem) {
    try {
      return (ECPrivateKey)
          KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der(pem, PRIVATE)));
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException(
          "not a PKCS#8 EC private key (-----BEGIN PRIVATE KEY-----)");
    }
  }

  static ECPublicKey publicKey(String pem) {
    try {
      return (ECPublicKey)
          KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der(pem, PUBLIC)));
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException("not an X.509 EC public key (-----BEGIN PUBLIC KEY-----)");
    }
  }

  private static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  static String privatePem(ECPrivateKey key) {
    return pem(PRIVATE, key.getEncoded());
  }

  static String publicPem(ECPublicKey key) {
    return pem(PUBLIC, key.getEncoded());
  }

  private static byte[] der(String pem, String type) {
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int from = pem.indexOf(begin);
    int to = pem.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("no " + begin + " block");
    }
    try {
      return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to).strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the " + type + " block is not base64");
    }
  }
}
