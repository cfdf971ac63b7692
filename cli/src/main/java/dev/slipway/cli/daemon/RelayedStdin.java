package dev.slipway.cli.daemon;

import dev.slipway.launcher.Frames;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The client's standard input: asked for (READ_STDIN) on the first read only, so a command that
 * does not read it leaves the launcher's stdin alone; then fed by the connection's reader.
 */
final class RelayedStdin extends InputStream {
  private static final byte[] END = new byte[0];

  private final Frames frames;
  private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
  private boolean asked;
  private byte[] current = new byte[0];
  private int position;
  private boolean ended;

  RelayedStdin(Frames frames) {
    this.frames = frames;
  }

  /** Bytes the client sent; an empty array is the end of its input. */
  void offer(byte[] bytes) {
    chunks.add(bytes.length == 0 ? END : bytes);
  }

  /** The connection ended: a read waiting for input sees its end. */
  void end() {
    chunks.add(END);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public synchronized int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (!asked) {
      asked = true;
      frames.send(Frames.READ_STDIN, new byte[0]);
    }
    while (!ended && position == current.length) {
      try {
        current = chunks.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while reading standard input", e);
      }
      position = 0;
      ended = current == END;
    }
    if (ended) {
      return -1;
    }
    int n = Math.min(len, current.length - position);
    System.arraycopy(current, position, b, off, n);
    position += n;
    return n;
  }
}
