package dev.slipway.session.ssh;

import dev.slipway.session.SessionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The ssh agents of a session. A path that is a Unix socket is used as it is (the user's running
 * agent); private keys — files of a local session, or key bytes a builder got from its client — are
 * loaded into an {@code ssh-agent} started for the session and stopped when it closes, so keys live
 * on only inside the agent.
 */
public final class SshAgents implements AutoCloseable {
  private static final java.util.Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");
  private static final java.util.Set<PosixFilePermission> OWNER_ONLY_DIR =
      PosixFilePermissions.fromString("rwx------");
  private final Map<String, Path> sockets = new HashMap<>();
  private final List<Process> started = new ArrayList<>();
  private final List<Path> tempDirs = new ArrayList<>();

  /** Reads a private key when an agent first needs it. */
  @FunctionalInterface
  public interface PrivateKeySource {
    /** The key (OpenSSH or PEM text), or empty when there is none. */
    Optional<byte[]> read() throws SessionException;
  }

  /**
   * An agent holding the key of {@code source} (without a passphrase) for ssh id {@code id}; the
   * key is read and the agent started on first use, or empty when the source has no key. The key is
   * written to an owner-only file in a private directory only while {@code ssh-add} reads it.
   * Messages never contain the key.
   */
  public synchronized Optional<Path> socketForKey(String id, PrivateKeySource source)
      throws SessionException {
    Path known = sockets.get(id);
    if (known != null) {
      return Optional.of(known);
    }
    byte[] privateKey = source.read().orElse(null);
    if (privateKey == null) {
      return Optional.empty();
    }
    Path socket = startAgent(id);
    Path key = socket.resolveSibling("key");
    try {
      Files.createFile(key, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      try (var out = Files.newOutputStream(key)) {
        out.write(privateKey);
        if (privateKey.length > 0 && privateKey[privateKey.length - 1] != '\n') {
          out.write('\n'); // OpenSSH refuses a key whose last line has no newline
        }
      }
      String unreadable = unreadableKey(id, key);
      if (unreadable != null) {
        throw new SessionException(
            "ssh "
                + id
                + ": the private key "
                + unreadable
                + "; store an unencrypted OpenSSH or PEM private key (remove a passphrase with"
                + " ssh-keygen -p -N '' -f KEY)");
      }
      add(id, socket, key, "check that ssh-agent and ssh-add work on the builder");
    } catch (IOException e) {
      throw new SessionException(
          "ssh " + id + ": cannot hand the private key to ssh-agent: " + e.getMessage(), e);
    } finally {
      java.util.Arrays.fill(privateKey, (byte) 0);
      try {
        Files.deleteIfExists(key);
      } catch (IOException ignored) {
        // the directory goes when the session closes
      }
    }
    sockets.put(id, socket);
    return Optional.of(socket);
  }

  public synchronized Path socketFor(String id, List<Path> paths) throws SessionException {
    Path known = sockets.get(id);
    if (known != null) {
      return known;
    }
    for (Path p : paths) {
      if (!Files.exists(p)) {
        throw new SessionException("ssh " + id + ": " + p + " does not exist");
      }
    }
    Path socket;
    if (paths.size() == 1 && isSocket(paths.get(0))) {
      socket = paths.get(0);
    } else {
      socket = startAgentWith(id, paths);
    }
    sockets.put(id, socket);
    return socket;
  }

  private static boolean isSocket(Path p) {
    try {
      return ((Integer) Files.getAttribute(p, "unix:mode") & 0170000) == 0140000;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  private Path startAgentWith(String id, List<Path> keys) throws SessionException {
    Path socket = startAgent(id);
    for (Path key : keys) {
      add(
          id,
          socket,
          key,
          "a key with a passphrase must be loaded into your own agent: ssh-add "
              + key
              + " and use --ssh "
              + id);
    }
    return socket;
  }

  /** Starts an empty agent in a new owner-only directory (in /tmp: socket paths are short). */
  private Path startAgent(String id) throws SessionException {
    try {
      Path dir =
          Files.createTempDirectory(
              "slipway-ssh-", PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
      tempDirs.add(dir);
      Path socket = dir.resolve("agent.sock");
      Process agent =
          new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      started.add(agent);
      for (int i = 0; i < 100 && !Files.exists(socket); i++) {
        Thread.sleep(20);
      }
      if (!Files.exists(socket)) {
        throw new SessionException("ssh " + id + ": ssh-agent did not start");
      }
      return socket;
    } catch (IOException e) {
      throw new SessionException(
          "ssh " + id + ": cannot start ssh-agent (" + e.getMessage() + "); install openssh-client",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SessionException("ssh " + id + ": interrupted while starting ssh-agent", e);
    }
  }

  private static void add(String id, Path socket, Path key, String hint) throws SessionException {
    try {
      ProcessBuilder add =
          new ProcessBuilder("ssh-add", key.toString())
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      add.environment().put("SSH_AUTH_SOCK", socket.toString());
      // Never ask for a passphrase on a terminal the builder might have: fail instead.
      add.environment().put("SSH_ASKPASS_REQUIRE", "force");
      add.environment().put("SSH_ASKPASS", "false");
      Process p = add.start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new SessionException(
            "ssh " + id + ": cannot load " + key + " into an agent (" + out + "); " + hint);
      }
    } catch (IOException e) {
      throw new SessionException(
          "ssh " + id + ": cannot run ssh-add (" + e.getMessage() + "); install openssh-client", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SessionException("ssh " + id + ": interrupted while loading a key", e);
    }
  }

  /**
   * Why {@code ssh-keygen} cannot read the key without a passphrase ("has a passphrase", "is not a
   * valid private key"), or null when it can.
   */
  private static String unreadableKey(String id, Path key) throws SessionException {
    try {
      Process p =
          new ProcessBuilder("ssh-keygen", "-y", "-P", "", "-f", key.toString())
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      // Stdout is the public key, stderr the reason: neither holds the private key.
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "could not be read by ssh-keygen in 30 s";
      }
      if (p.exitValue() == 0) {
        return null;
      }
      return out.contains("passphrase")
          ? "has a passphrase, which an agent on the builder cannot ask for"
          : "is not a valid private key";
    } catch (IOException e) {
      throw new SessionException(
          "ssh " + id + ": cannot run ssh-keygen (" + e.getMessage() + "); install openssh-client",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SessionException("interrupted while reading an ssh key", e);
    }
  }

  @Override
  public synchronized void close() {
    for (Process p : started) {
      p.destroy();
    }
    // An agent removes its own socket as it exits: let it, so the walk below does not race it.
    for (Process p : started) {
      try {
        p.waitFor(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (Path dir : tempDirs) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException | java.io.UncheckedIOException ignored) {
        // a temp dir we could not remove is left to the OS's temp cleaning
      }
    }
  }
}
