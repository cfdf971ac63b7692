package dev.slipway.cli.daemon;

import dev.slipway.launcher.Frames;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client's standard input: asked for (READ_STDIN) on the first read only, so a command that
 * does not read it leaves the launcher's stdin alone; then fed by the connection's reader. Each
 * READ_STDIN grants the launcher {@link Frames#CHUNK} bytes, and the next one is sent only when
 * those are read, so at most one chunk waits here however fast the input comes ({@code yes |}).
 */
final class RelayedStdin extends InputStream {
  private static final byte[] END = new byte[0];

  private final Frames frames;
  private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
  private final AtomicInteger granted = new AtomicInteger(); // asked for, not yet received
  private byte[] current = new byte[0];
  private int position;
  private boolean ended;

  RelayedStdin(Frames frames) {
    this.frames = frames;
  }

  /**
   * Bytes the client sent; an empty array is the end of its input. Called by the connection's one
   * reader thread.
   *
   * @throws IOException when the client sent more than it was granted
   */
  void offer(byte[] bytes) throws IOException {
    if (bytes.length > granted.get()) {
      throw new IOException("the client sent more standard input than the daemon asked for");
    }
    chunks.add(bytes.length == 0 ? END : bytes);
    granted.addAndGet(-bytes.length); // after queueing: read() must not ask again in between
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
    while (!ended && position == current.length) {
      if (chunks.isEmpty() && granted.get() == 0) {
        granted.set(Frames.CHUNK);
        frames.sendReadStdin(Frames.CHUNK);
      }
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
