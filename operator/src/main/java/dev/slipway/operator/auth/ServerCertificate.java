package dev.slipway.operator.auth;

import java.time.Instant;

/** A server certificate and its private key, as PEM. */
public record ServerCertificate(String certificatePem, String privateKeyPem) {

  /** When a certificate in PEM stops being valid. */
  public static Instant notAfter(String certificatePem) {
    return Pem.certificate(certificatePem).getNotAfter().toInstant();
  }

  @Override
  public String toString() {
    return "ServerCertificate[key redacted]";
  }
}
