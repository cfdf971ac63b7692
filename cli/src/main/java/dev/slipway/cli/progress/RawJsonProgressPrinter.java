package dev.slipway.cli.progress;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.slipway.api.control.v1.SolveEvent;
import java.io.PrintStream;

/** {@code --progress rawjson}: each progress event as one line of JSON, for programs. */
final class RawJsonProgressPrinter implements ProgressPrinter {
  private final JsonFormat.Printer json = JsonFormat.printer().omittingInsignificantWhitespace();
  private final PrintStream out;

  RawJsonProgressPrinter(PrintStream out) {
    this.out = out;
  }

  @Override
  public void accept(SolveEvent event) {
    try {
      out.println(json.print(event));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("progress event cannot be written as JSON", e);
    }
  }

  @Override
  public void finish() {
    out.flush();
  }
}
