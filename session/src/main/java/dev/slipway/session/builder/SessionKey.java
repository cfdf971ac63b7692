package dev.slipway.session.builder;

import dev.slipway.session.auth.Caller;
import java.util.Optional;

/**
 * What a session is found by: the client's session id within its caller's principal and build
 * binding. Another caller naming the same id reaches a different key, so it can neither use nor
 * take over a session that is not its own.
 */
record SessionKey(String principal, Optional<String> build, String sessionId) {
  static SessionKey of(Caller caller, String sessionId) {
    return new SessionKey(caller.principal(), caller.buildId(), sessionId);
  }
}
