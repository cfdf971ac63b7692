package dev.slipway.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A throwaway CA and a server certificate it signed for 127.0.0.1 and localhost, made by the real
 * {@code openssl}, for builders that serve TLS in tests. The server key is PKCS#8 PEM, as gRPC's
 * Netty server wants it.
 *
 * @param ca the CA certificate clients trust
 * @param serverCert the server's certificate
 * @param serverKey the server's private key
 */
public record TestCertificates(Path ca, Path serverCert, Path serverKey) {

  /** Makes the files in {@code dir} (created if missing). */
  public static TestCertificates create(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path caKey = dir.resolve("ca.key");
    Path ca = dir.resolve("ca.pem");
    Path key = dir.resolve("server.key");
    Path csr = dir.resolve("server.csr");
    Path cert = dir.resolve("server.pem");
    Path ext =
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    openssl(
        dir,
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        caKey.toString(),
        "-out",
        ca.toString(),
        "-days",
        "1",
        "-subj",
        "/CN=slipway test CA");
    openssl(
        dir,
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        key.toString(),
        "-out",
        csr.toString(),
        "-subj",
        "/CN=127.0.0.1");
    openssl(
        dir,
        "x509",
        "-req",
        "-in",
        csr.toString(),
        "-CA",
        ca.toString(),
        "-CAkey",
        caKey.toString(),
        "-CAcreateserial",
        "-out",
        cert.toString(),
        "-days",
        "1",
        "-extfile",
        ext.toString());
    return new TestCertificates(ca, cert, key);
  }

  /** The builder flags that serve TLS with these files. */
  public List<String> serverFlags() {
    return List.of("--tls-cert", serverCert.toString(), "--tls-key", serverKey.toString());
  }

  private static void openssl(Path dir, String... args) throws IOException {
    List<String> command = new java.util.ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Command.of(command).in(dir).timeout(Duration.ofSeconds(30)).run().requireSuccess();
  }
}
