package dev.slipway.builder;

import com.google.protobuf.ByteString;
import dev.slipway.api.control.v1.LogChunk;
import dev.slipway.api.control.v1.LogStream;
import dev.slipway.api.control.v1.SolveEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * The events of one build that a client re-attaching with {@code Status} is replayed: every step,
 * warning and end event, the log only up to a budget, and of a transfer's progress only its first
 * and last report. A build's output can be any size; what the builder holds for it is not.
 */
final class EventHistory {
  /** Two BuildKit step logs: enough to re-read a failing step, small beside the builder's heap. */
  static final long DEFAULT_MAX_LOG_BYTES = 4L << 20;

  private final long maxLogBytes;
  private final List<SolveEvent> events = new ArrayList<>();
  private final java.util.Set<String> transfersSeen = new java.util.HashSet<>();
  private long logBytes;
  private long bytes;
  private boolean logClipped;

  EventHistory(long maxLogBytes) {
    this.maxLogBytes = maxLogBytes;
  }

  /**
   * Keeps {@code event} if it is to be replayed; returns whether it was kept. Events not kept still
   * reach the clients attached at the time.
   */
  boolean add(SolveEvent event) {
    if (event.hasLog()) {
      int n = event.getLog().getData().size();
      if (logBytes + n > maxLogBytes) {
        if (!logClipped) {
          logClipped = true;
          keep(notice(event, maxLogBytes));
        }
        return false;
      }
      logBytes += n;
    } else if (event.hasBytes()) {
      var b = event.getBytes();
      if (!transfersSeen.add(b.getVertexId() + "\0" + b.getId()) && !b.getCompleted()) {
        return false;
      }
    }
    keep(event);
    return true;
  }

  private void keep(SolveEvent event) {
    events.add(event);
    bytes += event.getSerializedSize();
  }

  int size() {
    return events.size();
  }

  SolveEvent get(int index) {
    return events.get(index);
  }

  /** About what the kept events weigh: their encoded size. */
  long bytes() {
    return bytes;
  }

  /** What a re-attached client reads where the kept log of the build ends. */
  private static SolveEvent notice(SolveEvent clipped, long budget) {
    return SolveEvent.newBuilder()
        .setBuildId(clipped.getBuildId())
        .setTime(clipped.getTime())
        .setLog(
            LogChunk.newBuilder()
                .setVertexId(clipped.getLog().getVertexId())
                .setStream(LogStream.LOG_STREAM_STDERR)
                .setData(
                    ByteString.copyFromUtf8(
                        "\n[slipway: this builder keeps "
                            + (budget >> 10)
                            + " KiB of a build's log for re-attaching; later output went only to"
                            + " the clients reading it live]\n")))
        .build();
  }
}
