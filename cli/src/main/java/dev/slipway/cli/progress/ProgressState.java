package dev.slipway.cli.progress;

import com.google.protobuf.Timestamp;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.VertexEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Folds progress events into per-step state, numbering steps in order of appearance. */
final class ProgressState {
  final Map<String, VertexProgress> vertices = new LinkedHashMap<>();
  Instant firstEvent;
  Instant lastEvent;
  int stepsTotal;

  static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  /** Applies an event; returns the step it concerns, or null for build-wide events. */
  VertexProgress apply(SolveEvent event) {
    Instant at = event.hasTime() ? instant(event.getTime()) : Instant.now();
    if (firstEvent == null) {
      firstEvent = at;
    }
    lastEvent = at;
    return switch (event.getEventCase()) {
      case ACCEPTED -> {
        stepsTotal = event.getAccepted().getStepsTotal();
        yield null;
      }
      case VERTEX -> {
        VertexEvent v = event.getVertex();
        VertexProgress p = vertex(v.getVertexId(), v.getName());
        p.state = v.getState();
        if (v.hasStarted()) {
          p.started = instant(v.getStarted());
        } else if (p.started == null) {
          p.started = at;
        }
        if (v.hasCompleted()) {
          p.completed = instant(v.getCompleted());
        } else if (!p.finished()) {
          // running again, in a retried attempt: the earlier end no longer bounds its times
          p.completed = null;
        } else if (p.completed == null) {
          p.completed = at;
        }
        p.error = v.getError();
        yield p;
      }
      case LOG -> vertex(event.getLog().getVertexId(), "");
      case BYTES -> {
        VertexProgress p = vertex(event.getBytes().getVertexId(), "");
        p.transfers.put(event.getBytes().getId(), event.getBytes());
        yield p;
      }
      default -> null;
    };
  }

  private VertexProgress vertex(String id, String name) {
    return vertices.computeIfAbsent(id, k -> new VertexProgress(vertices.size() + 1, name));
  }

  long finishedSteps() {
    return vertices.values().stream().filter(VertexProgress::finished).count();
  }
}
