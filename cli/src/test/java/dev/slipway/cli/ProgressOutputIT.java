package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.VertexState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --progress=plain} and {@code --progress=rawjson}, read line by line. */
class ProgressOutputIT {
  private static final Pattern STEP_LINE = Pattern.compile("#(\\d+) (.*)");
  private static final Pattern LOG = Pattern.compile("(\\d+\\.\\d{3}) (.*)");
  private static final Pattern DONE = Pattern.compile("DONE \\d+\\.\\ds");

  /** A transfer's line, as BuildKit's: name, bytes (of total), time, done at its end. */
  private static final Pattern TRANSFER =
      Pattern.compile(
          ".+ (\\d+(\\.\\d+)?[kMGT]?B( / \\d+(\\.\\d+)?[kMGT]?B)?( \\d+\\.\\ds)?( done)?"
              + "|\\d+\\.\\ds( done)?|done)");

  private static final String DOCKERFILE =
      "FROM "
          + Slipway.BASE
          + "\n"
          + "RUN for i in 1 2 3; do echo counted-$i; sleep 0.3; done\n"
          + "RUN echo second-step\n";

  @TempDir Path state;
  @TempDir Path work;

  @Test
  void plainOutputNumbersStepsLogsWithElapsedTimeAndShowsCachedStepsOnRebuild() throws Exception {
    Slipway slipway = new Slipway(state);
    Path context = Slipway.context(work.resolve("ctx"), DOCKERFILE);
    List<String> args =
        List.of(
            "build",
            "--progress=plain",
            "-o",
            "type=oci,dest=" + work.resolve("out.tar"),
            context.toString());

    CliRun first = slipway.run(Map.of(), null, args);

    assertThat(first.exitCode()).as(first.toString()).isZero();
    Map<Integer, Step> steps = parsePlain(first.stderrLines());
    Step counting = stepNamed(steps, "RUN for i in 1 2 3");
    assertThat(counting.name).as("the only stage goes unnamed, like buildx").startsWith("[2/3] ");
    assertThat(counting.end).matches(DONE);
    assertThat(counting.logs).containsExactly("counted-1", "counted-2", "counted-3");
    assertThat(counting.logTimes).isSorted();
    assertThat(counting.logTimes.get(2) - counting.logTimes.get(0)).isGreaterThan(0.5);
    assertThat(stepNamed(steps, "RUN echo second-step").logs).containsExactly("second-step");

    CliRun rebuild = slipway.run(Map.of(), null, args);

    assertThat(rebuild.exitCode()).as(rebuild.toString()).isZero();
    Map<Integer, Step> again = parsePlain(rebuild.stderrLines());
    for (String run : List.of("RUN for i in 1 2 3", "RUN echo second-step")) {
      Step step = stepNamed(again, run);
      assertThat(step.end).as(run).isEqualTo("CACHED");
      assertThat(step.logs).as(run).isEmpty();
    }
  }

  @Test
  void rawJsonPrintsOneSolveEventPerLine() throws Exception {
    Slipway slipway = new Slipway(state);
    Path context = Slipway.context(work.resolve("ctx"), DOCKERFILE);

    CliRun build = slipway.run("build", "--progress=rawjson", context.toString());

    assertThat(build.exitCode()).as(build.toString()).isZero();
    List<SolveEvent> events = new ArrayList<>();
    for (String line : build.stderrLines()) {
      if (line.startsWith("WARNING: No output specified")) {
        continue; // the one human line, printed after the build
      }
      SolveEvent.Builder event = SolveEvent.newBuilder();
      JsonFormat.parser().merge(line, event);
      events.add(event.build());
    }
    assertThat(events).isNotEmpty();
    // before the graph is accepted, only what converting it did: pulling its base image (a fresh
    // state has none), with the pull's transfers, and build-check warnings
    int accepted = 0;
    while (!events.get(accepted).hasAccepted()) {
      SolveEvent early = events.get(accepted++);
      assertThat(
              early.hasWarning()
                  || (early.hasVertex() && early.getVertex().getVertexId().startsWith("pull:"))
                  || (early.hasBytes() && early.getBytes().getVertexId().startsWith("pull:")))
          .as("event before the build was accepted: %s", early)
          .isTrue();
    }
    assertThat(events)
        .extracting(SolveEvent::getBuildId)
        .containsOnly(events.getFirst().getBuildId());
    Map<String, VertexState> lastState = new LinkedHashMap<>();
    StringBuilder logs = new StringBuilder();
    for (SolveEvent e : events) {
      if (e.hasVertex()) {
        lastState.put(e.getVertex().getVertexId(), e.getVertex().getState());
      }
      if (e.hasLog()) {
        logs.append(e.getLog().getData().toStringUtf8());
      }
    }
    assertThat(lastState.values())
        .isNotEmpty()
        .allMatch(s -> s == VertexState.VERTEX_STATE_DONE || s == VertexState.VERTEX_STATE_CACHED);
    assertThat(logs.toString()).contains("counted-1\ncounted-2\ncounted-3\n", "second-step\n");
  }

  /** A step as plain output shows it. */
  static final class Step {
    String name;
    String end;
    final List<String> logs = new ArrayList<>();
    final List<Double> logTimes = new ArrayList<>();
  }

  /**
   * Checks every line of plain output: steps are numbered 1, 2, 3 in order of appearance, each
   * introduced by a blank line and {@code #N NAME}, which is repeated (after a blank line) when
   * output returns to the step; every other line of a step is a log line with its elapsed seconds,
   * a transfer total, {@code #N ...} where output leaves the unfinished step, or its one final
   * {@code CACHED} or {@code DONE x.ys}.
   */
  static Map<Integer, Step> parsePlain(List<String> lines) {
    Map<Integer, Step> steps = new LinkedHashMap<>();
    String previous = "";
    for (String line : lines) {
      if (line.isEmpty() || line.startsWith("WARNING: No output specified")) {
        previous = line;
        continue;
      }
      Matcher m = STEP_LINE.matcher(line);
      assertThat(m.matches()).as("plain output line: %s", line).isTrue();
      int n = Integer.parseInt(m.group(1));
      String rest = m.group(2);
      Step step = steps.get(n);
      if (step == null) {
        assertThat(n).as("number of a new step: %s", line).isEqualTo(steps.size() + 1);
        assertThat(previous).as("line before %s", line).isEmpty();
        step = new Step();
        step.name = rest;
        steps.put(n, step);
      } else if (rest.equals(step.name)) {
        assertThat(previous).as("line before the repeated %s", line).isEmpty();
      } else {
        assertThat(step.end).as("a line after step %d ended: %s", n, line).isNull();
        Matcher log = LOG.matcher(rest);
        if (rest.equals("...")) {
          assertThat(previous).as("line before %s", line).startsWith("#" + n + " ");
        } else if (rest.equals("CACHED") || DONE.matcher(rest).matches()) {
          step.end = rest;
        } else if (log.matches()) {
          step.logTimes.add(Double.parseDouble(log.group(1)));
          step.logs.add(log.group(2));
        } else {
          assertThat(rest).as("line of step %d", n).matches(TRANSFER);
        }
      }
      previous = line;
    }
    assertThat(steps.values()).allSatisfy(s -> assertThat(s.end).as(s.name).isNotNull());
    return steps;
  }

  private static Step stepNamed(Map<Integer, Step> steps, String instruction) {
    return steps.values().stream()
        .filter(s -> s.name.contains("] " + instruction))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no step " + instruction + " in " + steps.keySet()));
  }
}
