package dev.slipway.engine.sign;

import dev.slipway.testing.Command;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The real cosign CLI, built by {@code .ci/cosign.sh} (which {@code .ci/setup} runs; the test runs
 * it again to find the binary, and it builds cosign when it is missing). Every call keeps cosign on
 * this machine: its HTTPS goes to a dead proxy on loopback (it would fetch Sigstore's TUF root),
 * only the loopback registry is reached directly.
 */
final class Cosign {
  private final Path binary;
  private final Path home;

  private Cosign(Path binary, Path home) {
    this.binary = binary;
    this.home = home;
  }

  static Cosign built(Path home) throws Exception {
    Path script = Path.of("..", ".ci", "cosign.sh").toAbsolutePath().normalize();
    String out = Command.of(script.toString()).timeout(Duration.ofMinutes(20)).output().strip();
    Path binary = Path.of(out.substring(out.lastIndexOf('\n') + 1)).resolve("cosign");
    if (!Files.isExecutable(binary)) {
      throw new AssertionError(script + " printed " + out + ", which holds no cosign binary");
    }
    Files.createDirectories(home);
    return new Cosign(binary, home);
  }

  Command.Result run(String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(binary.toString());
    argv.addAll(List.of(args));
    return Command.of(argv)
        .env("HOME", home.toString())
        .env("TUF_ROOT", home.resolve("tuf").toString())
        .env("HTTPS_PROXY", "http://127.0.0.1:9")
        .env("HTTP_PROXY", "http://127.0.0.1:9")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .timeout(Duration.ofMinutes(2))
        .run();
  }

  /** {@code cosign verify --key} of an image by digest on a plain-http loopback registry. */
  Command.Result verify(Path publicKey, String imageByDigest) {
    return run(
        "verify",
        "--key",
        publicKey.toString(),
        "--insecure-ignore-tlog=true",
        "--allow-insecure-registry",
        "--offline=true",
        imageByDigest);
  }
}
