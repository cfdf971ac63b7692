package dev.slipway.engine.exec;

import java.util.Arrays;

/**
 * A step's log up to a limit, as BuildKit keeps it: once both streams together reach {@code limit}
 * bytes, one line says the output was clipped and the rest is dropped. The process's output is
 * still read to its end (the caller keeps pumping), so a chatty step neither blocks on a full pipe
 * nor fails; it only stops costing the builder memory and the clients bandwidth. The limit is the
 * engine's {@code EngineLimits.maxLogBytesPerStep} (2 MiB by default, as BuildKit's).
 */
public final class ClippedLogSink implements LogSink {
  private final LogSink next;
  private final long limit;
  private long passed;
  private long dropped;
  private boolean clipped;

  public ClippedLogSink(LogSink next, long limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("a log limit must be at least 1 byte, not " + limit);
    }
    this.next = next;
    this.limit = limit;
  }

  @Override
  public synchronized void write(LogStream stream, byte[] chunk) {
    if (clipped) {
      dropped += chunk.length;
      return;
    }
    long room = limit - passed;
    if (chunk.length <= room) {
      passed += chunk.length;
      next.write(stream, chunk);
      return;
    }
    // The first byte past the limit (also when the limit fell exactly between two chunks): pass
    // what fits, then the notice, once.
    byte[] notice = message(limit).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] last = Arrays.copyOf(chunk, (int) room + notice.length);
    System.arraycopy(notice, 0, last, (int) room, notice.length);
    passed = limit;
    clipped = true;
    dropped += chunk.length - room;
    next.write(stream, last);
  }

  /** The output bytes not passed on so far. */
  public synchronized long droppedBytes() {
    return dropped;
  }

  /** The line that ends a clipped log, worded as BuildKit's so users and tools recognise it. */
  static String message(long limit) {
    return "\n[output clipped, log limit " + size(limit) + " reached]\n";
  }

  private static String size(long bytes) {
    if (bytes % (1L << 20) == 0) {
      return (bytes >> 20) + "MiB";
    }
    if (bytes % (1L << 10) == 0) {
      return (bytes >> 10) + "KiB";
    }
    return bytes + "B";
  }
}
