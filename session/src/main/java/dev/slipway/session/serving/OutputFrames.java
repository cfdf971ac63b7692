package dev.slipway.session.serving;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * An output's bytes on a pipe whose end says nothing (an exec's standard input closes the same way
 * whether the sender finished or broke off): length-prefixed frames and an empty frame at the end,
 * so that the reader never takes a cut-off stream for a complete output.
 */
public final class OutputFrames {
  /** A frame larger than this is a corrupt stream, not an allocation. */
  static final int MAX_FRAME = 4 << 20;

  private OutputFrames() {}

  /** Frames what is written; {@link #close} writes the end frame, then closes {@code out}. */
  public static OutputStream writer(OutputStream out) {
    DataOutputStream data = new DataOutputStream(out);
    return new FilterOutputStream(data) {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        for (int done = 0; done < len; ) {
          int n = Math.min(len - done, MAX_FRAME);
          data.writeInt(n);
          data.write(b, off + done, n);
          done += n;
        }
      }

      @Override
      public void close() throws IOException {
        data.writeInt(0);
        data.close();
      }
    };
  }

  /** The bytes of the frames read from {@code in}; a stream cut before the end frame fails. */
  public static InputStream reader(InputStream in) {
    DataInputStream data = new DataInputStream(in);
    return new InputStream() {
      private int left;
      private boolean ended;

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
        while (left == 0 && !ended) {
          try {
            left = data.readInt();
          } catch (EOFException e) {
            throw new EOFException("the output stream was cut off before its end");
          }
          if (left < 0 || left > MAX_FRAME) {
            throw new IOException("a corrupt output stream (a frame of " + left + " bytes)");
          }
          ended = left == 0;
        }
        if (ended) {
          return -1;
        }
        int n = data.read(b, off, Math.min(len, left));
        if (n < 0) {
          throw new EOFException("the output stream was cut off before its end");
        }
        left -= n;
        return n;
      }
    };
  }
}
