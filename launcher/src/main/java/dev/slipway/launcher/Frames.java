package dev.slipway.launcher;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Framed messages over one unix-socket connection between the launcher and the daemon: a type byte,
 * a 4-byte length and that many bytes. Sends may come from several threads (stdout, stderr and the
 * exit status of one command); receives come from one reader thread.
 */
public final class Frames implements AutoCloseable {
  /** Bumped on any change to the frames or to {@link Hello}'s encoding. */
  public static final int PROTOCOL = 2;

  // launcher → daemon
  public static final byte HELLO = 1;
  public static final byte STDIN = 2; // an empty STDIN frame is the end of standard input
  public static final byte CANCEL = 3;
  // daemon → launcher
  public static final byte STDOUT = 10;
  public static final byte STDERR = 11;
  public static final byte READ_STDIN = 12; // payload: how many more bytes of stdin it wants
  public static final byte EXIT = 13; // payload: the 4-byte exit status
  public static final byte RUN_IN_OWN_PROCESS = 14;
  public static final byte ACCEPTED = 15; // the HELLO was read: the command may run, never retry

  /**
   * Larger than any HELLO a shell can pass (arguments and environment); a bound for hostile peers.
   */
  public static final int MAX_PAYLOAD = 8 << 20;

  /** What one output frame carries at most, so a big archive on stdout streams in pieces. */
  public static final int CHUNK = 64 << 10;

  /** One received message. */
  public record Frame(byte type, byte[] payload) {
    public int exitStatus() {
      return ByteBuffer.wrap(payload).getInt();
    }

    /** The 4-byte number an EXIT or READ_STDIN frame carries. */
    public int number() throws IOException {
      if (payload.length != 4) {
        throw new IOException("a frame of type " + type + " must carry 4 bytes");
      }
      return ByteBuffer.wrap(payload).getInt();
    }
  }

  private final SocketChannel channel;
  private final ByteBuffer header = ByteBuffer.allocate(5);

  public Frames(SocketChannel channel) {
    this.channel = channel;
  }

  public synchronized void send(byte type, byte[] data, int offset, int length) throws IOException {
    ByteBuffer[] buffers = {
      ByteBuffer.allocate(5).put(type).putInt(length).flip(), ByteBuffer.wrap(data, offset, length)
    };
    while (buffers[1].hasRemaining() || buffers[0].hasRemaining()) {
      channel.write(buffers);
    }
  }

  public void send(byte type, byte[] data) throws IOException {
    send(type, data, 0, data.length);
  }

  public void sendExit(int status) throws IOException {
    send(EXIT, ByteBuffer.allocate(4).putInt(status).array());
  }

  /** READ_STDIN: the receiver may send up to {@code bytes} more of standard input. */
  public void sendReadStdin(int bytes) throws IOException {
    send(READ_STDIN, ByteBuffer.allocate(4).putInt(bytes).array());
  }

  /** The next frame, or null when the peer closed the connection between frames. */
  public Frame receive() throws IOException {
    header.clear();
    if (!fill(header, true)) {
      return null;
    }
    header.flip();
    byte type = header.get();
    int length = header.getInt();
    if (length < 0 || length > MAX_PAYLOAD) {
      throw new IOException("a frame of " + length + " bytes is beyond the protocol's bound");
    }
    ByteBuffer payload = ByteBuffer.allocate(length);
    fill(payload, false);
    return new Frame(type, payload.array());
  }

  private boolean fill(ByteBuffer buffer, boolean endAllowed) throws IOException {
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) {
        if (endAllowed && buffer.position() == 0) {
          return false;
        }
        throw new EOFException("the connection ended inside a frame");
      }
    }
    return true;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
