package dev.slipway.builder;

import dev.slipway.session.auth.CallerSource;
import dev.slipway.session.auth.GrantVerifier;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Decides from the flags who may call this builder. Production: grants the operator signs ({@code
 * --auth-public-key} and {@code --auth-audience}). Local development: one shared token ({@code
 * --token-file}) whose holder is the single user, or nobody checked at all ({@code
 * --insecure-no-auth}), which is refused unless every address is loopback.
 */
final class BuilderAuth {
  /** The principal of a single-user builder: every build and session is this one user's. */
  static final String LOCAL_PRINCIPAL = "local";

  private BuilderAuth() {}

  /**
   * @throws IllegalArgumentException with the message for the user when the flags are unsafe or
   *     wrong
   */
  static CallerSource choose(
      Optional<Path> publicKey,
      Optional<String> audience,
      Optional<Path> tokenFile,
      boolean insecureNoAuth,
      List<InetSocketAddress> listen) {
    if (publicKey.isPresent() != audience.isPresent()) {
      throw new IllegalArgumentException(
          "--auth-public-key and --auth-audience go together: the key checks a grant's signature,"
              + " the audience that it was made for this builder");
    }
    int modes = (publicKey.isPresent() ? 1 : 0) + (tokenFile.isPresent() ? 1 : 0);
    if (modes > 1) {
      throw new IllegalArgumentException(
          "choose one of --auth-public-key (grants from the operator) and --token-file (a"
              + " single-user builder)");
    }
    if (modes == 1 && insecureNoAuth) {
      throw new IllegalArgumentException(
          "--insecure-no-auth contradicts --auth-public-key/--token-file; drop one");
    }
    if (publicKey.isPresent()) {
      String pem = read("--auth-public-key", publicKey.get());
      try {
        return CallerSource.grants(new GrantVerifier(pem, audience.get()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--auth-public-key " + publicKey.get() + ": " + e.getMessage());
      }
    }
    if (tokenFile.isPresent()) {
      return CallerSource.sharedToken(read("--token-file", tokenFile.get()), LOCAL_PRINCIPAL);
    }
    if (!insecureNoAuth) {
      throw new IllegalArgumentException(
          "this builder has no authentication: give --auth-public-key FILE --auth-audience NAME"
              + " (grants from the operator) or --token-file FILE (one user); for local"
              + " development on loopback only, --insecure-no-auth");
    }
    for (InetSocketAddress a : listen) {
      if (a.getAddress() == null || !a.getAddress().isLoopbackAddress()) {
        throw new IllegalArgumentException(
            "--insecure-no-auth serves anyone who can connect, so it listens only on loopback"
                + " (127.0.0.1, ::1), not "
                + a.getHostString()
                + "; give --auth-public-key or --token-file to listen there");
      }
    }
    return CallerSource.anyone(LOCAL_PRINCIPAL);
  }

  private static String read(String flag, Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new IllegalArgumentException(flag + " " + file + ": cannot read it: " + e.getMessage());
    }
    if (text.isEmpty()) {
      throw new IllegalArgumentException(
          flag
              + " "
              + file
              + " is empty; put "
              + (flag.equals("--token-file") ? "a token" : "a PEM public key")
              + " in it");
    }
    return text;
  }
}
