package dev.slipway.session;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The name under which a builder keeps its incremental copy of a client's context. A plain name
 * (host and directory) is guessable, so a builder keeps such copies per caller; a context key is an
 * HMAC of the host and directory under a secret that never leaves the client's machine, so only
 * that machine can name its copy again, and the copy is reused across all of its builds (each
 * BuildRequest is a different caller, yet a rebuild should send only what changed).
 */
public final class ContextKey {
  private static final String PREFIX = "key:";
  private static final Pattern KEY = Pattern.compile("key:[0-9a-f]{64}");
  private static final int SECRET_BYTES = 32;

  private ContextKey() {}

  /** The key of {@code hostAndDirectory} under this machine's secret {@code secret}. */
  public static String of(byte[] secret, String hostAndDirectory) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return PREFIX
          + HexFormat.of()
              .formatHex(mac.doFinal(hostAndDirectory.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  /** Whether a client named its context with a key (else the name is a guessable plain one). */
  public static boolean isKey(String identity) {
    return KEY.matcher(identity).matches();
  }

  /**
   * This user's secret in {@code file} (created with mode 0600 on first use). Where it cannot be
   * kept, a fresh one: the build works, its context copy is just not reused by the next build.
   */
  public static byte[] secret(Path file) {
    try {
      if (Files.isRegularFile(file) && Files.size(file) == SECRET_BYTES) {
        return Files.readAllBytes(file);
      }
      byte[] fresh = new byte[SECRET_BYTES];
      new SecureRandom().nextBytes(fresh);
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), ".context-key", ".tmp");
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      Files.write(tmp, fresh, StandardOpenOption.TRUNCATE_EXISTING);
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return fresh;
    } catch (IOException | UnsupportedOperationException e) {
      byte[] fresh = new byte[SECRET_BYTES];
      new SecureRandom().nextBytes(fresh);
      return fresh;
    }
  }

  /** {@code $XDG_CONFIG_HOME/slipway/context-key}, else {@code ~/.config/slipway/context-key}. */
  public static Path defaultSecretFile() {
    return defaultSecretFile(System.getenv());
  }

  /** The same for the environment {@code env} (a daemon serves many shells); $HOME is its own. */
  public static Path defaultSecretFile(java.util.Map<String, String> env) {
    String xdg = env.get("XDG_CONFIG_HOME");
    String home = env.get("HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(
                home != null && !home.isBlank() ? home : System.getProperty("user.home"),
                ".config");
    return base.resolve("slipway").resolve("context-key");
  }
}
