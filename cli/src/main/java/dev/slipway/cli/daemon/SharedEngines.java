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
 */
final class SharedEngines implements LocalEngines {
  private final Map<Path, Held> held = new HashMap<>();

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
  public synchronized Lease open(Path stateDir) throws IOException {
    Path dir = stateDir.toAbsolutePath().normalize();
    retireVanished();
    Held h = held.get(dir);
    if (h == null) {
      h = new Held(openEngine(dir), directoryKey(dir));
      held.put(dir, h);
    }
    h.leases++;
    Held leased = h;
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

  private static Engine openEngine(Path dir) throws IOException {
    try {
      return Engine.open(LocalEngines.config(dir));
    } catch (IOException e) {
      if (e.getMessage() == null || !e.getMessage().contains("in use")) {
        throw e;
      }
      throw new IOException(
          e.getMessage()
              + " (a slipway daemon started from a shell with another $PATH, or a slipway run with"
              + " SLIPWAY_DAEMON=off, may hold it: `slipway daemon stop` in that shell ends the"
              + " daemon; or give this shell its own --state)",
          e);
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
      try {
        h.engine.close();
      } catch (IOException | RuntimeException e) {
        // its directory may be gone already; nothing else holds it
      }
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
