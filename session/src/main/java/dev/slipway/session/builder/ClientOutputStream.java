package dev.slipway.session.builder;

import com.google.protobuf.ByteString;
import dev.slipway.api.session.v1.BuilderMessage;
import dev.slipway.api.session.v1.ExportChunk;
import dev.slipway.session.SessionException;
import java.io.IOException;
import java.io.OutputStream;

/**
 * An output the client receives (an {@code OutputDestination} via the session): bytes go back over
 * the session in chunks, at the pace the client reads them.
 */
final class ClientOutputStream extends OutputStream {
  private static final int CHUNK = 256 * 1024;

  private final AttachedSession session;
  private final int output;
  private final byte[] buffer = new byte[CHUNK];
  private int filled;
  private boolean closed;

  ClientOutputStream(AttachedSession session, int output) {
    this.session = session;
    this.output = output;
  }

  @Override
  public void write(int b) throws IOException {
    if (filled == CHUNK) {
      flushChunk(false);
    }
    buffer[filled++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (filled == CHUNK) {
        flushChunk(false);
      }
      int n = Math.min(len, CHUNK - filled);
      System.arraycopy(b, off, buffer, filled, n);
      filled += n;
      off += n;
      len -= n;
    }
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      flushChunk(true);
    }
  }

  private void flushChunk(boolean eof) throws IOException {
    try {
      session.send(
          BuilderMessage.newBuilder()
              .setExport(
                  ExportChunk.newBuilder()
                      .setOutput(output)
                      .setData(ByteString.copyFrom(buffer, 0, filled))
                      .setEof(eof))
              .build());
    } catch (SessionException e) {
      throw new IOException(e.getMessage(), e);
    }
    filled = 0;
  }
}
