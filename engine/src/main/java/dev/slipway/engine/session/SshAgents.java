package dev.slipway.engine.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The ssh agents of a local session. A path that is a Unix socket is used as it is (the user's
 * running agent); private key files are loaded into an {@code ssh-agent} started for the session
 * and stopped when it closes, so keys never leave the agent.
 */
final class SshAgents implements AutoCloseable {
  private final Map<String, Path> sockets = new HashMap<>();
  private final List<Process> started = new ArrayList<>();
  private final List<Path> tempDirs = new ArrayList<>();

  synchronized Path socketFor(String id, List<Path> paths) throws SessionException {
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
    try {
      Path dir = Files.createTempDirectory("slipway-ssh-");
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
      for (Path key : keys) {
        ProcessBuilder add =
            new ProcessBuilder("ssh-add", key.toString()).redirectErrorStream(true);
        add.environment().put("SSH_AUTH_SOCK", socket.toString());
        Process p = add.start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
          throw new SessionException(
              "ssh "
                  + id
                  + ": cannot load "
                  + key
                  + " into an agent ("
                  + out
                  + "); a key with a passphrase must be loaded into your own agent: ssh-add "
                  + key
                  + " and use --ssh "
                  + id);
        }
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

  @Override
  public synchronized void close() {
    for (Process p : started) {
      p.destroy();
    }
    for (Path dir : tempDirs) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException ignored) {
        // a temp dir we could not remove is left to the OS's temp cleaning
      }
    }
  }
}
