package dev.slipway.cli.progress;

import dev.slipway.api.control.v1.ByteProgress;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.VertexState;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The live terminal view: a header with elapsed time and finished/total steps, one line per step
 * with its state and time, the running steps' last log lines and transfers (bytes so far of their
 * total, with their time; in flight first), redrawn in place ten times a second.
 */
final class TtyProgressPrinter implements ProgressPrinter {
  private static final String CLEAR_LINE = "\033[2K";
  private static final String DIM = "\033[2m";
  private static final String RED = "\033[31m";
  private static final String BLUE = "\033[34m";
  private static final String RESET = "\033[0m";

  /** The most transfers shown under one step. */
  static final int MAX_TRANSFERS = 6;

  private final ProgressState state = new ProgressState();
  private final Warnings warnings = new Warnings();
  private final PrintStream out;
  private final int width;
  private final Instant start = Instant.now();
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "progress-redraw");
            t.setDaemon(true);
            return t;
          });
  private int linesDrawn;

  TtyProgressPrinter(PrintStream out, int columns) {
    this.out = out;
    this.width = columns > 0 ? Math.max(40, columns) : 100;
    ticker.scheduleAtFixedRate(() -> redraw(false), 100, 100, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void accept(SolveEvent event) {
    warnings.collect(event);
    VertexProgress v = state.apply(event);
    if (v != null && event.hasLog()) {
      v.addLog(event.getLog().getData().toString(StandardCharsets.UTF_8));
    }
  }

  @Override
  public void finish() {
    ticker.shutdownNow();
    redraw(true);
    warnings.print(out);
  }

  private synchronized void redraw(boolean last) {
    Instant now = Instant.now();
    List<String> lines = new ArrayList<>();
    long total = Math.max(state.stepsTotal, state.vertices.size());
    lines.add(
        BLUE
            + "[+] Building "
            + VertexProgress.seconds(java.time.Duration.between(start, now))
            + " ("
            + state.finishedSteps()
            + "/"
            + total
            + ")"
            + (last ? " FINISHED" : "")
            + RESET);
    for (VertexProgress v : state.vertices.values()) {
      String prefix =
          switch (v.state) {
            case VERTEX_STATE_CACHED -> " => CACHED ";
            case VERTEX_STATE_ERROR -> " => ERROR ";
            case VERTEX_STATE_CANCELLED -> " => CANCELED ";
            default -> " => ";
          };
      String time = VertexProgress.seconds(v.elapsed(now));
      String color = v.state == VertexState.VERTEX_STATE_ERROR ? RED : v.finished() ? "" : BLUE;
      lines.add(color + fit(prefix + v.name, time) + (color.isEmpty() ? "" : RESET));
      if (!v.finished()) {
        for (ByteProgress b : shownTransfers(v)) {
          String bytes = TransferLines.bytes(b);
          String right =
              b.getCompleted()
                  ? "done"
                  : TransferLines.time(b, now).isEmpty() ? "0.0s" : TransferLines.time(b, now);
          lines.add(fit(" => => " + b.getName() + (bytes.isEmpty() ? "" : " " + bytes), right));
        }
        for (String log : v.lastLines) {
          lines.add(DIM + fit(" => => # " + log, "") + RESET);
        }
      }
    }
    StringBuilder frame = new StringBuilder();
    if (linesDrawn > 0) {
      frame.append("\033[").append(linesDrawn).append('A');
    }
    for (String line : lines) {
      frame.append('\r').append(CLEAR_LINE).append(line).append('\n');
    }
    for (int i = lines.size(); i < linesDrawn; i++) {
      frame.append(CLEAR_LINE).append('\n');
    }
    out.print(frame);
    out.flush();
    linesDrawn = Math.max(lines.size(), linesDrawn);
  }

  /**
   * The transfers shown under a running step: those in flight first, then the latest finished,
   * {@link #MAX_TRANSFERS} at most (an image of many layers would push its step off the screen).
   */
  private static List<ByteProgress> shownTransfers(VertexProgress v) {
    List<ByteProgress> shown = new ArrayList<>();
    for (ByteProgress b : v.transfers.values()) {
      if (!b.getCompleted() && shown.size() < MAX_TRANSFERS) {
        shown.add(b);
      }
    }
    for (ByteProgress b : new ArrayList<>(v.transfers.values()).reversed()) {
      if (b.getCompleted() && shown.size() < MAX_TRANSFERS) {
        shown.add(b);
      }
    }
    return shown;
  }

  /** Pads or cuts {@code text} so {@code right} ends at the terminal's last column. */
  private String fit(String text, String right) {
    String clean = text.replaceAll("[\\p{Cntrl}&&[^\t]]", "").replace('\t', ' ');
    int room = width - right.length() - 1;
    if (clean.length() > room) {
      clean = clean.substring(0, Math.max(0, room - 1)) + "…";
    }
    return right.isEmpty()
        ? clean
        : clean + " ".repeat(Math.max(1, room - clean.length() + 1)) + right;
  }
}
