package dev.slipway.session.builder;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessions attached to this builder, by id. A client opens its session and then calls Solve;
 * the two calls may arrive in either order, so a build waits a little for its session to attach.
 */
public final class SessionRegistry {
  private final Map<String, AttachedSession> sessions = new ConcurrentHashMap<>();

  /** Registers a session; false when a live session already has that id. */
  boolean attach(AttachedSession session) {
    synchronized (sessions) {
      AttachedSession existing = sessions.get(session.id());
      if (existing != null && !existing.isLost()) {
        return false;
      }
      sessions.put(session.id(), session);
      sessions.notifyAll();
      return true;
    }
  }

  void detach(AttachedSession session) {
    sessions.remove(session.id(), session);
  }

  /** The live session {@code id}, waiting up to {@code wait} for it to attach. */
  public Optional<AttachedSession> await(String id, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    synchronized (sessions) {
      while (true) {
        AttachedSession s = sessions.get(id);
        if (s != null && !s.isLost()) {
          return Optional.of(s);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return Optional.empty();
        }
        sessions.wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  public int active() {
    return sessions.size();
  }
}
