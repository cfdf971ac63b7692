package dev.slipway.operator.auth;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * Certificates and private keys as PEM, the form Kubernetes TLS Secrets and gRPC's TLS use. Keys
 * are written as PKCS#8 ({@code BEGIN PRIVATE KEY}), which every TLS stack reads.
 */
final class Pem {

  private Pem() {}

  static String write(X509Certificate certificate) {
    return writeObject(certificate);
  }

  static String write(PrivateKey key) {
    try {
      return writeObject(new JcaPKCS8Generator(key, null).generate());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot encode the private key", e);
    }
  }

  static X509Certificate certificate(String pem) {
    if (read(pem) instanceof X509CertificateHolder holder) {
      try {
        return new JcaX509CertificateConverter().getCertificate(holder);
      } catch (CertificateException e) {
        throw new IllegalArgumentException("not an X.509 certificate: " + e.getMessage());
      }
    }
    throw new IllegalArgumentException("no -----BEGIN CERTIFICATE----- block");
  }

  static PrivateKey privateKey(String pem) {
    if (read(pem) instanceof PrivateKeyInfo info) {
      try {
        return new JcaPEMKeyConverter().getPrivateKey(info);
      } catch (IOException e) {
        throw new IllegalArgumentException("not a usable private key: " + e.getMessage());
      }
    }
    throw new IllegalArgumentException("no -----BEGIN PRIVATE KEY----- block");
  }

  private static Object read(String pem) {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      return parser.readObject();
    } catch (IOException e) {
      throw new IllegalArgumentException("not PEM: " + e.getMessage());
    }
  }

  private static String writeObject(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot write PEM", e);
    }
    return out.toString();
  }
}
