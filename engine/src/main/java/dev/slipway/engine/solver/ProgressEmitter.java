package dev.slipway.engine.solver;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.slipway.api.control.v1.BuildWarning;
import dev.slipway.api.control.v1.ByteProgress;
import dev.slipway.api.control.v1.LogChunk;
import dev.slipway.api.control.v1.LogStream;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SourceLocation;
import dev.slipway.api.control.v1.SourceRange;
import dev.slipway.api.control.v1.VertexEvent;
import dev.slipway.api.control.v1.VertexState;
import dev.slipway.engine.graph.Vertex;
import dev.slipway.engine.job.TransferScope;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Turns what the solver does into progress events ({@link SolveEvent}, the same messages a remote
 * client receives) and hands them to one listener, one event at a time.
 */
public final class ProgressEmitter {
  private final String buildId;
  private final Consumer<SolveEvent> listener;

  public ProgressEmitter(String buildId, Consumer<SolveEvent> listener) {
    this.buildId = buildId;
    this.listener = listener;
  }

  public synchronized void emit(SolveEvent.Builder event) {
    listener.accept(event.setBuildId(buildId).setTime(now()).build());
  }

  public void vertex(Vertex v, VertexState state, Instant started, String error) {
    VertexEvent.Builder e =
        VertexEvent.newBuilder()
            .setVertexId(v.cacheKey().toString())
            .setName(v.name())
            .setState(state);
    if (started != null) {
      e.setStarted(timestamp(started));
    }
    if (state != VertexState.VERTEX_STATE_STARTED) {
      e.setCompleted(now());
    }
    if (error != null) {
      e.setError(error);
    }
    v.location().ifPresent(l -> e.setLocation(location(l)));
    v.inputs().forEach(i -> e.addInputs(i.cacheKey().toString()));
    emit(SolveEvent.newBuilder().setVertex(e));
  }

  /** A step of the build that is not a graph vertex (e.g. exporting), by id and name. */
  public void step(String id, String name, VertexState state, Instant started, String error) {
    VertexEvent.Builder e = VertexEvent.newBuilder().setVertexId(id).setName(name).setState(state);
    if (started != null) {
      e.setStarted(timestamp(started));
    }
    if (state != VertexState.VERTEX_STATE_STARTED) {
      e.setCompleted(now());
    }
    if (error != null) {
      e.setError(error);
    }
    emit(SolveEvent.newBuilder().setVertex(e));
  }

  public void log(Vertex v, boolean stderr, byte[] data) {
    emit(
        SolveEvent.newBuilder()
            .setLog(
                LogChunk.newBuilder()
                    .setVertexId(v.cacheKey().toString())
                    .setStream(stderr ? LogStream.LOG_STREAM_STDERR : LogStream.LOG_STREAM_STDOUT)
                    .setData(ByteString.copyFrom(data))));
  }

  /** Where the byte counts of {@code v}'s transfers go. */
  public TransferScope transfers(Vertex v) {
    return transfers(v.cacheKey().toString());
  }

  /** Where the byte counts of the transfers of step {@code stepId} (see {@link #step}) go. */
  public TransferScope transfers(String stepId) {
    return (kind, id, name, started, current, total, completed) ->
        emit(
            SolveEvent.newBuilder()
                .setBytes(
                    ByteProgress.newBuilder()
                        .setVertexId(stepId)
                        .setId(id)
                        .setName(name)
                        .setCurrent(current)
                        .setTotal(total)
                        .setCompleted(completed)
                        .setKind(kind)
                        .setStarted(timestamp(started))));
  }

  public void warning(String rule, String message, String url, SourceLocation location) {
    BuildWarning.Builder w = BuildWarning.newBuilder().setRule(rule).setMessage(message);
    if (url != null) {
      w.setUrl(url);
    }
    if (location != null) {
      w.setLocation(location);
    }
    emit(SolveEvent.newBuilder().setWarning(w));
  }

  public static SourceLocation location(dev.slipway.engine.graph.SourceLocation l) {
    SourceLocation.Builder b = SourceLocation.newBuilder().setFile(l.file());
    b.addRanges(SourceRange.newBuilder().setStartLine(l.startLine()).setEndLine(l.endLine()));
    return b.build();
  }

  static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  private static Timestamp now() {
    return timestamp(Instant.now());
  }
}
