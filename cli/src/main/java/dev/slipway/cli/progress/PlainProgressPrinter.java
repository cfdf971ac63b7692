package dev.slipway.cli.progress;

import dev.slipway.api.control.v1.ByteProgress;
import dev.slipway.api.control.v1.SolveEvent;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code --progress plain}: buildx's line-oriented output — {@code #N [stage i/n] INSTR}, log lines
 * prefixed with the seconds since the step started, {@code #N CACHED}, {@code #N DONE 1.2s}. For
 * logs and CI, where redrawing a screen makes no sense.
 *
 * <p>Like buildx, output that returns to a step after another step's lines (steps running in
 * parallel, or a retried attempt running a step again) starts with the step's {@code #N NAME}
 * again, and a step left unfinished is marked {@code #N ...}: every block of lines says which step
 * it belongs to.
 *
 * <p>A transfer (a layer pulled or pushed, the context, an output sent to the client) prints its
 * name, bytes so far of its total and time: at its start, every 5% or 5 seconds, and {@code done}
 * at its end ({@link PlainTransferFilter}, {@link TransferLines}).
 */
final class PlainProgressPrinter implements ProgressPrinter {
  private final ProgressState state = new ProgressState();
  private final Warnings warnings = new Warnings();
  private final PlainTransferFilter transfers = new PlainTransferFilter();
  private final PrintStream out;

  /** The step whose lines were printed last while it ran; null once it ended. */
  private VertexProgress current;

  PlainProgressPrinter(PrintStream out) {
    this.out = out;
  }

  @Override
  public void accept(SolveEvent event) {
    warnings.collect(event);
    boolean known =
        event.hasVertex() && state.vertices.containsKey(event.getVertex().getVertexId());
    VertexProgress v = state.apply(event);
    if (v == null) {
      return;
    }
    List<String> lines = lines(event, v);
    if (lines.isEmpty() && (known || !event.hasVertex())) {
      return;
    }
    if (v != current) {
      if (current != null) {
        out.println("#" + current.number + " ...");
      }
      out.println();
      out.println("#" + v.number + " " + v.name);
    }
    lines.forEach(line -> out.println("#" + v.number + " " + line));
    current = v.finished() ? null : v;
    out.flush();
  }

  /** What the event adds to its step's output, each line without the {@code #N} prefix. */
  private List<String> lines(SolveEvent event, VertexProgress v) {
    List<String> lines = new ArrayList<>();
    switch (event.getEventCase()) {
      case LOG -> {
        Instant at = state.lastEvent;
        for (String line : v.addLog(event.getLog().getData().toString(StandardCharsets.UTF_8))) {
          lines.add(logTime(v, at) + " " + line);
        }
      }
      case BYTES -> {
        ByteProgress b = event.getBytes();
        if (transfers.print(b, state.lastEvent)) {
          lines.add(TransferLines.line(b, state.lastEvent));
        }
      }
      case VERTEX -> {
        String rest = v.finished() ? v.drainPartial() : "";
        if (!rest.isEmpty()) {
          lines.add(logTime(v, state.lastEvent) + " " + rest);
        }
        switch (v.state) {
          case VERTEX_STATE_CACHED -> lines.add("CACHED");
          case VERTEX_STATE_DONE ->
              lines.add("DONE " + VertexProgress.seconds(v.elapsed(state.lastEvent)));
          case VERTEX_STATE_ERROR -> lines.add("ERROR: " + v.error);
          case VERTEX_STATE_CANCELLED -> lines.add("CANCELED");
          default -> {}
        }
      }
      default -> {}
    }
    return lines;
  }

  private static String logTime(VertexProgress v, Instant at) {
    Duration d = v.elapsed(at);
    return String.format(Locale.ROOT, "%.3f", d.toNanos() / 1e9);
  }

  @Override
  public void finish() {
    warnings.print(out);
    out.flush();
  }
}
