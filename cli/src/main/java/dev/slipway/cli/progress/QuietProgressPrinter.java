package dev.slipway.cli.progress;

import dev.slipway.api.control.v1.SolveEvent;
import java.io.PrintStream;

/** {@code --progress quiet}: nothing while building; warnings at the end. */
final class QuietProgressPrinter implements ProgressPrinter {
  private final Warnings warnings = new Warnings();
  private final PrintStream out;

  QuietProgressPrinter(PrintStream out) {
    this.out = out;
  }

  @Override
  public void accept(SolveEvent event) {
    warnings.collect(event);
  }

  @Override
  public void finish() {
    warnings.print(out);
  }
}
