package dev.slipway.cli;

import java.util.List;

/** What a finished process left: its exit status and both output streams. */
record CliRun(int exitCode, String stdout, String stderr) {

  List<String> stderrLines() {
    return stderr.lines().toList();
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
  }
}
