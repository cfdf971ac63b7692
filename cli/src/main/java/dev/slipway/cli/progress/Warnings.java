package dev.slipway.cli.progress;

import dev.slipway.api.control.v1.BuildWarning;
import dev.slipway.api.control.v1.SolveEvent;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Collects build-check warnings and prints them after the build, like buildx. */
final class Warnings {
  private final List<BuildWarning> found = new ArrayList<>();

  void collect(SolveEvent event) {
    if (event.hasWarning()) {
      found.add(event.getWarning());
    }
  }

  void print(PrintStream out) {
    if (found.isEmpty()) {
      return;
    }
    out.println();
    out.println(" " + found.size() + (found.size() == 1 ? " warning" : " warnings") + " found:");
    for (BuildWarning w : found) {
      String where =
          w.getLocation().getRangesCount() == 0
              ? ""
              : " ("
                  + w.getLocation().getFile()
                  + ":"
                  + w.getLocation().getRanges(0).getStartLine()
                  + ")";
      out.println(" - " + w.getRule() + ": " + w.getMessage() + where);
    }
    out.flush();
  }
}
