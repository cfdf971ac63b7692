package dev.slipway.cli.progress;

import dev.slipway.api.control.v1.BuildError;
import dev.slipway.api.control.v1.SourceRange;
import java.io.PrintStream;
import java.util.List;

/**
 * Prints a failed build the way buildx does: the failed step's last log lines, the Dockerfile lines
 * it came from with a {@code >>>} marker, then one {@code ERROR:} line.
 */
public final class FailureReport {
  private static final int CONTEXT_LINES = 2;

  private FailureReport() {}

  /**
   * @param dockerfileLines the Dockerfile the client has, or an empty list when it has none (the
   *     lines carried by the error are shown instead)
   */
  public static void print(PrintStream out, BuildError error, List<String> dockerfileLines) {
    if (!error.getVertexId().isEmpty() && error.getLastLogLinesCount() > 0) {
      out.println("------");
      for (String line : error.getLastLogLinesList()) {
        out.println(" > " + line);
      }
      out.println("------");
    }
    if (error.hasLocation() && error.getLocation().getRangesCount() > 0) {
      SourceRange range = error.getLocation().getRanges(0);
      out.println(error.getLocation().getFile() + ":" + range.getStartLine());
      out.println("--------------------");
      if (!dockerfileLines.isEmpty()) {
        int from = Math.max(1, range.getStartLine() - CONTEXT_LINES);
        int to = Math.min(dockerfileLines.size(), range.getEndLine() + CONTEXT_LINES);
        for (int n = from; n <= to; n++) {
          boolean marked = n >= range.getStartLine() && n <= range.getEndLine();
          out.printf("%4d | %s %s%n", n, marked ? ">>>" : "   ", dockerfileLines.get(n - 1));
        }
      } else {
        int n = range.getStartLine();
        for (String line : error.getLocation().getLinesList()) {
          out.printf("%4d | >>> %s%n", n++, line);
        }
      }
      out.println("--------------------");
    }
    out.println("ERROR: " + error.getMessage());
    out.flush();
  }
}
