package dev.slipway.engine.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.testing.Command;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signing keys as openssl writes them, and the keys that must be refused. */
class SigningKeyTest {
  @TempDir Path tmp;

  @Test
  void readsSec1AndPkcs8AndSignsSoOpensslVerifies() throws Exception {
    TestKeys keys = TestKeys.make(tmp, "k");
    SigningKey sec1 = SigningKey.parse(Files.readAllBytes(keys.sec1()));
    SigningKey pkcs8 = SigningKey.parse(Files.readAllBytes(keys.pkcs8()));
    assertThat(sec1.publicKey()).isEqualTo(pkcs8.publicKey());
    byte[] payload = "payload".getBytes(StandardCharsets.UTF_8);
    byte[] signature = pkcs8.sign(payload);
    assertThat(sec1.verifies(payload, signature)).isTrue();
    assertThat(sec1.verifies("other".getBytes(StandardCharsets.UTF_8), signature)).isFalse();
    Files.write(tmp.resolve("payload"), payload);
    Files.write(tmp.resolve("sig"), signature);
    Command.Result verified =
        Command.of(
                "openssl",
                "dgst",
                "-sha256",
                "-verify",
                keys.publicKey().toString(),
                "-signature",
                tmp.resolve("sig").toString(),
                tmp.resolve("payload").toString())
            .run();
    assertThat(verified.exitCode()).as(verified.stderr()).isZero();
    assertThat(verified.stdout()).contains("Verified OK");
  }

  @Test
  void readsTheKeyAfterTheCurveParametersOpensslEcparamWrites() throws Exception {
    Path both = tmp.resolve("both.pem");
    Command.of("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-out", both.toString())
        .output();
    assertThat(Files.readString(both)).startsWith("-----BEGIN EC PARAMETERS-----");
    SigningKey key = SigningKey.parse(Files.readAllBytes(both));
    assertThat(key.verifies(new byte[] {1}, key.sign(new byte[] {1}))).isTrue();
  }

  @Test
  void refusesKeysItCannotUseWithoutShowingThem() throws Exception {
    Path rsa = tmp.resolve("rsa.pem");
    Command.of(
            "openssl",
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
            rsa.toString())
        .output();
    Path p384 = tmp.resolve("p384.pem");
    Command.of(
            "openssl",
            "ecparam",
            "-name",
            "secp384r1",
            "-genkey",
            "-noout",
            "-out",
            p384.toString())
        .output();
    TestKeys keys = TestKeys.make(tmp, "enc");
    Path encrypted = tmp.resolve("encrypted.pem");
    Command.of(
            "openssl",
            "pkcs8",
            "-topk8",
            "-v2",
            "aes256",
            "-passout",
            "pass:secret",
            "-in",
            keys.sec1().toString(),
            "-out",
            encrypted.toString())
        .output();
    Path cosignFormat = tmp.resolve("cosign.key");
    Files.writeString(
        cosignFormat,
        "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nZm9v\n-----END ENCRYPTED SIGSTORE"
            + " PRIVATE KEY-----\n");
    Path garbage = tmp.resolve("garbage.pem");
    Files.writeString(
        garbage,
        "-----BEGIN EC PRIVATE KEY-----\nTUFHSUNTRUNSRVQ=\n-----END EC PRIVATE KEY-----\n");
    for (var c :
        List.of(
            new Object[] {rsa, "not an ECDSA key"},
            new Object[] {p384, "not on the curve P-256"},
            new Object[] {encrypted, "is encrypted (ENCRYPTED PRIVATE KEY)"},
            new Object[] {cosignFormat, "is encrypted (ENCRYPTED SIGSTORE PRIVATE KEY)"},
            new Object[] {garbage, "not a well-formed PEM ECDSA key"},
            new Object[] {keys.publicKey(), "PEM block of type PUBLIC KEY"})) {
      Path file = (Path) c[0];
      byte[] pem = Files.readAllBytes(file);
      assertThatThrownBy(() -> SigningKey.parse(pem))
          .as(file.toString())
          .isInstanceOf(InvalidSigningKeyException.class)
          .hasMessageContaining((String) c[1])
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(body(file)));
    }
  }

  @Test
  void refusesAFileWithNoPemAtAll() {
    assertThatThrownBy(() -> SigningKey.parse("just text".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("holds no PEM private key");
  }

  /** A line of the PEM's base64 body: what must never reach a message. */
  static String body(Path pem) throws Exception {
    return Files.readAllLines(pem).stream()
        .filter(l -> !l.startsWith("-----") && l.length() > 3)
        .findFirst()
        .orElseThrow();
  }
}
