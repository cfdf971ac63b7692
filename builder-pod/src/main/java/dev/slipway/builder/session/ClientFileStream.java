package dev.slipway.builder.session;

import com.google.protobuf.ByteString;
import dev.slipway.api.session.v1.BuilderMessage;
import dev.slipway.api.session.v1.ClientMessage;
import dev.slipway.api.session.v1.ReadCredit;
import dev.slipway.engine.session.SessionException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The contents of one context file as the client streams them. The client may run ahead by a window
 * of bytes; as the engine reads, the stream hands the client more credit, so a slow disk on the
 * builder slows the client instead of filling the builder's memory.
 */
final class ClientFileStream extends InputStream {
  private final ClientSession session;
  private final SessionRequest request;
  private final String what;
  private final long window;
  private ByteString chunk = ByteString.EMPTY;
  private int position;
  private boolean eof;
  private long unacknowledged;

  ClientFileStream(ClientSession session, SessionRequest request, String what, long window) {
    this.session = session;
    this.request = request;
    this.what = what;
    this.window = window;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (position == chunk.size()) {
      if (eof) {
        return -1;
      }
      nextChunk();
    }
    int n = Math.min(len, chunk.size() - position);
    chunk.copyTo(b, position, off, n);
    position += n;
    consumed(n);
    return n;
  }

  private void nextChunk() throws IOException {
    try {
      ClientMessage m = request.nextAnswer();
      if (!m.hasFile()) {
        throw new IOException("the client answered a read of " + what + " with " + m.getBodyCase());
      }
      chunk = m.getFile().getData();
      position = 0;
      eof = m.getFile().getEof();
    } catch (SessionException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** Grants the client more credit once half the window has been read. */
  private void consumed(int n) throws IOException {
    unacknowledged += n;
    if (!eof && unacknowledged >= window / 2) {
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

  @Override
  public void close() {
    request.close();
  }
}
