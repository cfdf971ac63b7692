package dev.slipway.engine.history;

import com.google.protobuf.ByteString;
import dev.slipway.api.control.v1.LogChunk;
import dev.slipway.api.control.v1.LogStream;
import dev.slipway.api.control.v1.SolveEvent;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Decides which of a build's events are kept for reading later (a client re-attaching, the build
 * history): every step, warning and end event, the log only up to a budget (then one notice in its
 * place), and of a transfer's progress only its first and last report. A build's output can be any
 * size; what is kept of it is not.
 */
public final class EventBudget {
  private final long maxLogBytes;
  private final String keptFor;
  private final Set<String> transfersSeen = new HashSet<>();
  private long logBytes;
  private boolean clipped;

  /**
   * @param keptFor what the kept events are for, as the notice says: "for re-attaching"
   */
  public EventBudget(long maxLogBytes, String keptFor) {
    this.maxLogBytes = maxLogBytes;
    this.keptFor = keptFor;
  }

  /**
   * What to keep in place of {@code event}: the event itself, the one notice that the log was cut
   * here (the first time the budget is exceeded), or nothing.
   */
  public Optional<SolveEvent> admit(SolveEvent event) {
    if (event.hasLog()) {
      int n = event.getLog().getData().size();
      if (logBytes + n > maxLogBytes) {
        if (clipped) {
          return Optional.empty();
        }
        clipped = true;
        return Optional.of(notice(event));
      }
      logBytes += n;
    } else if (event.hasBytes()) {
      var b = event.getBytes();
      if (!transfersSeen.add(b.getVertexId() + "\0" + b.getId()) && !b.getCompleted()) {
        return Optional.empty();
      }
    }
    return Optional.of(event);
  }

  /** Whether the budget cut the log short. */
  public boolean clipped() {
    return clipped;
  }

  private SolveEvent notice(SolveEvent clippedAt) {
    return SolveEvent.newBuilder()
        .setBuildId(clippedAt.getBuildId())
        .setTime(clippedAt.getTime())
        .setLog(
            LogChunk.newBuilder()
                .setVertexId(clippedAt.getLog().getVertexId())
                .setStream(LogStream.LOG_STREAM_STDERR)
                .setData(
                    ByteString.copyFromUtf8(
                        "\n[slipway: this builder keeps "
                            + (maxLogBytes >> 10)
                            + " KiB of a build's log "
                            + keptFor
                            + "; later output went only to the clients reading it live]\n")))
        .build();
  }
}
