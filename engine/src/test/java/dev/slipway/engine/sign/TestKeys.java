package dev.slipway.engine.sign;

import dev.slipway.testing.Command;
import java.nio.file.Path;

/** Keys made by openssl, as a user makes them (docs/signing.md). */
record TestKeys(Path sec1, Path pkcs8, Path publicKey) {

  static TestKeys make(Path dir, String name) {
    Path sec1 = dir.resolve(name + "-sec1.pem");
    Path pkcs8 = dir.resolve(name + "-pkcs8.pem");
    Path pub = dir.resolve(name + ".pub");
    Command.of(
            "openssl",
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            sec1.toString())
        .output();
    Command.of(
            "openssl",
            "pkcs8",
            "-topk8",
            "-nocrypt",
            "-in",
            sec1.toString(),
            "-out",
            pkcs8.toString())
        .output();
    Command.of("openssl", "ec", "-in", sec1.toString(), "-pubout", "-out", pub.toString()).output();
    return new TestKeys(sec1, pkcs8, pub);
  }
}
