package dev.slipway.session.builder;

import com.google.protobuf.ByteString;
import dev.slipway.api.session.v1.FileChunk;
import java.io.IOException;
import java.io.InputStream;

/**
 * The contents of one context file as the client streams them, out of the answers to a read request
 * (which may carry several files, one after the other). Reading grants the client more credit
 * through the request's {@link ReadWindow}.
 */
final class ClientFileStream extends InputStream {
  private final FileChunkSource chunks;
  private final ReadWindow window;
  private final String path;
  private final String what;
  private final boolean ownsRequest;
  private ByteString chunk = ByteString.EMPTY;
  private int position;
  private boolean eof;

  /**
   * @param ownsRequest whether closing this stream ends the request (a single-file read), or only
   *     skips the rest of this file (a file of a batch)
   */
  ClientFileStream(
      FileChunkSource chunks, ReadWindow window, String path, String what, boolean ownsRequest) {
    this.chunks = chunks;
    this.window = window;
    this.path = path;
    this.what = what;
    this.ownsRequest = ownsRequest;
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
    window.consumed(n);
    return n;
  }

  private void nextChunk() throws IOException {
    FileChunk c = chunks.next(what);
    if (!c.getPath().equals(path)) {
      throw new IOException("the client sent \"" + c.getPath() + "\" while " + what + " was due");
    }
    chunk = c.getData();
    position = 0;
    eof = c.getEof();
  }

  @Override
  public void close() throws IOException {
    if (ownsRequest) {
      chunks.request().close();
      return;
    }
    while (read(new byte[8192], 0, 8192) >= 0) {
      // the next file of the batch starts after this one's last chunk
    }
  }
}
