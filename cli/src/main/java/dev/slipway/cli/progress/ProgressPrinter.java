package dev.slipway.cli.progress;

import dev.slipway.api.control.v1.SolveEvent;
import java.io.PrintStream;
import java.util.List;
import java.util.function.Consumer;

/**
 * Shows a build's progress events to a person or a program. Events arrive from one thread at a
 * time; {@link #finish()} is called once, after the last event.
 */
public interface ProgressPrinter extends Consumer<SolveEvent> {

  /** The values of {@code --progress}. */
  List<String> MODES = List.of("auto", "tty", "plain", "rawjson", "quiet");

  /** Completes the display (final redraw, warnings summary). */
  void finish();

  /**
   * The printer for a {@code --progress} mode. {@code auto} picks the live view when {@code out} is
   * a terminal, else plain output, as buildx does.
   */
  static ProgressPrinter create(String mode, PrintStream out, boolean terminal) {
    return create(mode, out, terminal, 0);
  }

  /** The same on a terminal {@code columns} wide (0: $COLUMNS was not set, 100 is assumed). */
  static ProgressPrinter create(String mode, PrintStream out, boolean terminal, int columns) {
    return switch (mode) {
      case "auto" ->
          terminal ? new TtyProgressPrinter(out, columns) : new PlainProgressPrinter(out);
      case "tty" -> new TtyProgressPrinter(out, columns);
      case "plain" -> new PlainProgressPrinter(out);
      case "rawjson" -> new RawJsonProgressPrinter(out);
      case "quiet" -> new QuietProgressPrinter(out);
      default ->
          throw new IllegalArgumentException(
              "--progress " + mode + " is not known; use auto, tty, plain, rawjson or quiet");
    };
  }
}
