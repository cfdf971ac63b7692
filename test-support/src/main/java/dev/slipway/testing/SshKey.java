package dev.slipway.testing;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A new ed25519 key pair without a passphrase.
 *
 * @param file the private key; the public one is next to it with {@code .pub} appended
 * @param fingerprint {@code SHA256:...}, as {@code ssh-add -l} prints it
 */
public record SshKey(Path file, String fingerprint) {

  /** Generates a key at {@code file} whose comment is {@code comment}. */
  public static SshKey generate(Path file, String comment)
      throws IOException, InterruptedException {
    Path dir = file.toAbsolutePath().getParent();
    Command.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", file.toString())
        .in(dir)
        .output();
    String listed = Command.of("ssh-keygen", "-l", "-f", file + ".pub").in(dir).output();
    return new SshKey(file, listed.trim().split("\\s+")[1]);
  }
}
