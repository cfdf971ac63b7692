package dev.slipway.cli.progress;

import dev.slipway.api.control.v1.ByteProgress;
import dev.slipway.api.control.v1.SolveEvent;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * {@code --progress plain}: buildx's line-oriented output — {@code #N [stage i/n] INSTR}, log lines
 * prefixed with the seconds since the step started, {@code #N CACHED}, {@code #N DONE 1.2s}. For
 * logs and CI, where redrawing a screen makes no sense.
 */
final class PlainProgressPrinter implements ProgressPrinter {
  private final ProgressState state = new ProgressState();
  private final Warnings warnings = new Warnings();
  private final PrintStream out;

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
    if (event.hasVertex() && !known) {
      out.println();
      out.println("#" + v.number + " " + v.name);
    }
    switch (event.getEventCase()) {
      case LOG -> {
        Instant at = state.lastEvent;
        for (String line : v.addLog(event.getLog().getData().toString(StandardCharsets.UTF_8))) {
          out.println("#" + v.number + " " + logTime(v, at) + " " + line);
        }
      }
      case BYTES -> {
        ByteProgress b = event.getBytes();
        if (b.getCompleted()) {
          out.println(
              "#"
                  + v.number
                  + " "
                  + b.getName()
                  + " "
                  + VertexProgress.bytes(b.getCurrent())
                  + " done");
        }
      }
      case VERTEX -> {
        String rest = v.finished() ? v.drainPartial() : "";
        if (!rest.isEmpty()) {
          out.println("#" + v.number + " " + logTime(v, state.lastEvent) + " " + rest);
        }
        switch (v.state) {
          case VERTEX_STATE_CACHED -> out.println("#" + v.number + " CACHED");
          case VERTEX_STATE_DONE ->
              out.println(
                  "#" + v.number + " DONE " + VertexProgress.seconds(v.elapsed(state.lastEvent)));
          case VERTEX_STATE_ERROR -> out.println("#" + v.number + " ERROR: " + v.error);
          case VERTEX_STATE_CANCELLED -> out.println("#" + v.number + " CANCELED");
          default -> {}
        }
      }
      default -> {}
    }
    out.flush();
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
