package dev.slipway.cli.daemon;

import dev.slipway.cli.invocation.LocalEngines;
import dev.slipway.engine.Engine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The daemon's engines, one per state directory, kept open across commands so a rebuild finds its
 * cache index, snapshots and content store warm. An engine whose directory was removed or replaced
 * since (a benchmark's cold run) is retired once its last command ends, and a new one opened.
 *
 * <p>Another daemon in the socket directory (an older CLI build, another $PATH) may hold the state
 * directory's lock: this one then leaves a release request there, which every daemon checks each
 * second, closing that engine as soon as no command of its own uses it.
 */
final class SharedEngines implements LocalEngines {
  private static final String REQUEST_PREFIX = "release-";
  private static final long RELEASE_PATIENCE_MILLIS = 10_000;
  private static final String OWN_REQUESTS = REQUEST_PREFIX + ProcessHandle.current().pid() + "-";

  private final Map<Path, Held> held = new HashMap<>();
  private final Path socketDir;

  SharedEngines(Path socketDir) {
    this.socketDir = socketDir;
  }

  private static final class Held {
    final Engine engine;
    final Object directoryKey;
    int leases;
    boolean retired;

    Held(Engine engine, Object directoryKey) {
      this.engine = engine;
      this.directoryKey = directoryKey;
    }
  }

  @Override
  public Lease open(Path stateDir) throws IOException {
    // One engine per directory however it is spelt (a link, `..`): two would fight over its lock.
    Path dir = Files.createDirectories(stateDir.toAbsolutePath().normalize()).toRealPath();
    Held leased;
    synchronized (this) {
      retireVanished();
      leased = held.get(dir);
      if (leased != null) {
        leased.leases++;
      }
    }
    if (leased == null) {
      leased = openShared(dir);
    }
    return lease(leased);
  }

  /**
   * Opens the engine outside the monitor (waiting for another daemon must not block this one's
   * other commands); a command of this daemon that opened it meanwhile shares its engine.
   */
  private Held openShared(Path dir) throws IOException {
    Path request = null;
    long deadline = System.currentTimeMillis() + RELEASE_PATIENCE_MILLIS;
    try {
      while (true) {
        synchronized (this) {
          Held h = held.get(dir);
          if (h != null) {
            h.leases++;
            return h;
          }
        }
        try {
          Engine engine = Engine.open(LocalEngines.config(dir));
          synchronized (this) {
            Held h = new Held(engine, directoryKey(dir));
            held.put(dir, h);
            h.leases++;
            return h;
          }
        } catch (IOException e) {
          if (e.getMessage() == null || !e.getMessage().contains("in use")) {
            throw e;
          }
          if (System.currentTimeMillis() > deadline) {
            throw new IOException(
                e.getMessage()
                    + " (another slipway daemon did not release it within "
                    + RELEASE_PATIENCE_MILLIS / 1000
                    + " s, or a slipway run with SLIPWAY_DAEMON=off holds it: `slipway daemon stop"
                    + " --all` ends every daemon; or give this shell its own --state)",
                e);
          }
          if (request == null) {
            request = requestRelease(dir);
          }
          sleep();
        }
      }
    } finally {
      if (request != null) {
        Files.deleteIfExists(request);
      }
    }
  }

  private Lease lease(Held leased) {
    return new Lease() {
      private boolean closed;

      @Override
      public Engine engine() {
        return leased.engine;
      }

      @Override
      public void close() {
        synchronized (SharedEngines.this) {
          if (!closed) {
            closed = true;
            leased.leases--;
            if (leased.retired) {
              retire(leased);
            }
          }
        }
      }
    };
  }

  /**
   * Retires the engines whose directory was removed or replaced since they opened it (a test's
   * temporary state, a benchmark's cold run): nothing can use them any more.
   */
  synchronized void retireVanished() {
    held.entrySet()
        .removeIf(
            e -> {
              boolean gone = !Objects.equals(e.getValue().directoryKey, directoryKey(e.getKey()));
              if (gone) {
                retire(e.getValue());
              }
              return gone;
            });
  }

  /** Asks the other daemons in the socket directory to close their engine on {@code dir}. */
  private Path requestRelease(Path dir) throws IOException {
    Path request = socketDir.resolve(OWN_REQUESTS + Integer.toHexString(dir.hashCode()));
    Files.writeString(request, dir.toString());
    return request;
  }

  /**
   * Closes the engines another daemon asked for (see {@link #requestRelease}), at once when no
   * command uses them, else when the last one ends. The socket directory is private to this user.
   */
  void releaseRequested() {
    List<Path> wanted;
    try (var files = Files.list(socketDir)) {
      wanted =
          files
              .filter(f -> f.getFileName().toString().startsWith(REQUEST_PREFIX))
              .filter(f -> !f.getFileName().toString().startsWith(OWN_REQUESTS))
              .flatMap(f -> requestedPath(f).stream())
              .toList();
    } catch (IOException e) {
      return;
    }
    synchronized (this) {
      for (Path dir : wanted) {
        Held h = held.remove(dir);
        if (h != null) {
          System.err.println(java.time.Instant.now() + " releasing " + dir + " for another daemon");
          retire(h);
        }
      }
    }
  }

  private static java.util.Optional<Path> requestedPath(Path request) {
    String name = request.getFileName().toString();
    try {
      long pid = Long.parseLong(name.substring(REQUEST_PREFIX.length(), name.lastIndexOf('-')));
      if (ProcessHandle.of(pid).isEmpty()) {
        Files.deleteIfExists(request); // its daemon died waiting
        return java.util.Optional.empty();
      }
      return java.util.Optional.of(Path.of(Files.readString(request).trim()));
    } catch (IOException | RuntimeException e) {
      return java.util.Optional.empty(); // withdrawn meanwhile, or not ours to read
    }
  }

  private static void sleep() throws IOException {
    try {
      Thread.sleep(250);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for another daemon's engine", e);
    }
  }

  /** The state directories with an open engine. */
  synchronized List<Path> directories() {
    return held.keySet().stream().sorted().toList();
  }

  /** Closes every engine (the daemon is ending; no command runs any more). */
  synchronized void closeAll() {
    held.values().forEach(h -> h.leases = 0);
    held.values().forEach(this::retire);
    held.clear();
  }

  private void retire(Held h) {
    h.retired = true;
    if (h.leases == 0) {
      closeQuietly(h.engine);
    }
  }

  private static void closeQuietly(Engine engine) {
    try {
      engine.close();
    } catch (IOException | RuntimeException e) {
      // its directory may be gone already; nothing else holds it
    }
  }

  /** Which directory is there now (inode), null when none is. */
  private static Object directoryKey(Path dir) {
    try {
      return Files.readAttributes(dir, BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      return null;
    }
  }
}
