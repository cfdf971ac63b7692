package dev.slipway.cli.cluster;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names a directory on this machine for cache affinity: builds of the same directory from the same
 * host go to the builder pod that already holds its files. A digest, so the cluster never sees the
 * host name or the path.
 */
final class AffinityKey {
  private AffinityKey() {}

  /** The key of {@code contextDir} on {@code host}; a null dir (Dockerfile from stdin) is "-". */
  static String of(String host, Path contextDir) {
    String where = contextDir == null ? "-" : contextDir.toAbsolutePath().normalize().toString();
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest((host + "\n" + where).getBytes(StandardCharsets.UTF_8));
      return "sha256-" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
