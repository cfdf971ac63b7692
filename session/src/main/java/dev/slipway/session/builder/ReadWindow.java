package dev.slipway.session.builder;

import dev.slipway.api.session.v1.BuilderMessage;
import dev.slipway.api.session.v1.ReadCredit;
import dev.slipway.session.SessionException;
import java.io.IOException;

/**
 * The back-pressure of one read request: the client may run ahead by {@code size} bytes; once the
 * engine has read half of that, the client gets the same amount of credit again. A slow disk on the
 * builder thus slows the client instead of filling the builder's memory.
 */
final class ReadWindow {
  private final AttachedSession session;
  private final SessionRequest request;
  private final long size;
  private long unacknowledged;

  ReadWindow(AttachedSession session, SessionRequest request, long size) {
    this.session = session;
    this.request = request;
    this.size = size;
  }

  void consumed(long bytes) throws IOException {
    unacknowledged += bytes;
    if (unacknowledged >= size / 2) {
      try {
        session.send(
            BuilderMessage.newBuilder()
                .setRequestId(request.id())
                .setCredit(ReadCredit.newBuilder().setBytes(unacknowledged))
                .build());
      } catch (SessionException e) {
        throw new IOException(e.getMessage(), e);
      }
      unacknowledged = 0;
    }
  }
}
