package dev.slipway.session.builder;

import dev.slipway.api.session.v1.ClientMessage;
import dev.slipway.session.SessionException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One question the builder asked a client, and the answers that arrive for it (a stat listing and
 * file contents come in several messages). Waiting is bounded: a client that stops answering fails
 * the step with a clear message instead of hanging it.
 */
final class SessionRequest implements AutoCloseable {
  /** Put in the queue when the session ends, to wake whoever waits. */
  static final ClientMessage SESSION_LOST = ClientMessage.newBuilder().setRequestId(-1).build();

  private final AttachedSession session;
  private final long id;
  private final String what;
  private final BlockingQueue<ClientMessage> answers = new LinkedBlockingQueue<>();

  SessionRequest(AttachedSession session, long id, String what) {
    this.session = session;
    this.id = id;
    this.what = what;
  }

  long id() {
    return id;
  }

  void deliver(ClientMessage message) {
    answers.add(message);
  }

  /** The next answer; a RequestFailed answer is returned like any other. */
  ClientMessage next() throws SessionException {
    Duration timeout = session.requestTimeout();
    ClientMessage m;
    try {
      m = answers.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SessionException("interrupted while waiting for the client to send " + what, e);
    }
    if (m == null) {
      throw new SessionException(
          "the client of session "
              + session.id()
              + " did not send "
              + what
              + " within "
              + timeout.toSeconds()
              + " s; is the CLI still running and its connection to the builder alive?");
    }
    if (m == SESSION_LOST) {
      answers.add(m); // later calls fail the same way
      throw session.lostException(what);
    }
    return m;
  }

  /** The next answer, failing on RequestFailed. */
  ClientMessage nextAnswer() throws SessionException {
    ClientMessage m = next();
    if (m.hasFailed()) {
      throw new SessionException(
          "the client could not send " + what + ": " + m.getFailed().getMessage());
    }
    return m;
  }

  @Override
  public void close() {
    session.forget(id);
  }
}
