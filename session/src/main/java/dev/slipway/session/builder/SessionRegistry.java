package dev.slipway.session.builder;

import dev.slipway.session.auth.Caller;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessions attached to this builder, by {@link SessionKey}: a build finds only a session its
 * own caller attached (same principal, same build binding). A client opens its session and then
 * calls Solve; the two calls may arrive in either order, so a build waits a little for its session
 * to attach. A session serves one build at a time.
 */
public final class SessionRegistry {
  private final Map<SessionKey, AttachedSession> sessions = new ConcurrentHashMap<>();

  /** Registers a session; false when a live session already has its key. */
  boolean attach(AttachedSession session) {
    synchronized (sessions) {
      AttachedSession existing = sessions.get(session.key());
      if (existing != null && !existing.isLost()) {
        return false;
      }
      sessions.put(session.key(), session);
      sessions.notifyAll();
      return true;
    }
  }

  void detach(AttachedSession session) {
    sessions.remove(session.key(), session);
  }

  /**
   * The live session {@code id} that {@code caller} attached, waiting up to {@code wait} for it,
   * and claimed for one build: the caller must {@link AttachedSession#release()} it when the build
   * ends.
   *
   * @throws SessionBusyException when the session serves another build
   */
  public Optional<AttachedSession> claim(Caller caller, String id, Duration wait)
      throws InterruptedException, SessionBusyException {
    SessionKey key = SessionKey.of(caller, id);
    long deadline = System.nanoTime() + wait.toNanos();
    synchronized (sessions) {
      while (true) {
        AttachedSession s = sessions.get(key);
        if (s != null && !s.isLost()) {
          if (!s.tryClaim()) {
            throw new SessionBusyException(id);
          }
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
