package dev.slipway.session.builder;

/** A Solve named a session that already serves another build. */
public final class SessionBusyException extends Exception {
  public SessionBusyException(String sessionId) {
    super(
        "session "
            + sessionId
            + " already serves another build; a session serves one build at a time, so open a"
            + " new session (a new id) for this build");
  }
}
