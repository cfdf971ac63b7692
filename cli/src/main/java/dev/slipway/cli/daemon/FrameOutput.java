package dev.slipway.cli.daemon;

import dev.slipway.launcher.Frames;
import java.io.IOException;
import java.io.OutputStream;

/** One of the client's output streams (STDOUT or STDERR frames), in pieces of at most a chunk. */
final class FrameOutput extends OutputStream {
  private final Frames frames;
  private final byte type;

  FrameOutput(Frames frames, byte type) {
    this.frames = frames;
    this.type = type;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      int n = Math.min(len, Frames.CHUNK);
      frames.send(type, b, off, n);
      off += n;
      len -= n;
    }
  }
}
