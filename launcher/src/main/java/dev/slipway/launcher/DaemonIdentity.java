package dev.slipway.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Which CLI build a daemon runs: a hash over the CLI jar and its lib/ jars (names, sizes, times),
 * the Java runtime and $PATH (the engine finds runc, mount and ssh-agent on the daemon's own PATH,
 * so a shell with another PATH gets a daemon of its own). A rebuilt CLI gets a new identity, so its
 * launcher starts a fresh daemon and the old one idles out; reading metadata only keeps this to a
 * few hundred microseconds.
 */
public final class DaemonIdentity {
  private DaemonIdentity() {}

  /**
   * Sixteen hex digits for the CLI at {@code cliJar} (with its jars in {@code cliJar/../lib}) run
   * with {@code path} as $PATH.
   */
  public static String of(Path cliJar, String path) throws IOException {
    List<Path> jars = new ArrayList<>();
    jars.add(cliJar);
    Path lib = cliJar.resolveSibling("lib");
    if (Files.isDirectory(lib)) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(lib, "*.jar")) {
        entries.forEach(jars::add);
      }
    }
    jars.sort(null);
    StringBuilder text = new StringBuilder();
    text.append(System.getProperty("java.home")).append('\n').append(Runtime.version());
    text.append('\n').append(path);
    for (Path jar : jars) {
      BasicFileAttributes a = Files.readAttributes(jar, BasicFileAttributes.class);
      text.append('\n').append(jar).append(' ').append(a.size());
      text.append(' ').append(a.lastModifiedTime().toMillis());
    }
    String hex = Long.toHexString(fnv1a(text.toString().getBytes(StandardCharsets.UTF_8)));
    return "0".repeat(16 - hex.length()) + hex;
  }

  /**
   * FNV-1a, 64 bits: it only tells CLI builds apart (nothing is trusted on it), and unlike
   * MessageDigest it loads no security providers into a launcher that must start fast.
   */
  private static long fnv1a(byte[] bytes) {
    long hash = 0xcbf29ce484222325L;
    for (byte b : bytes) {
      hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
    }
    return hash;
  }
}
