package dev.slipway.engine;

import com.google.protobuf.Timestamp;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.VertexEvent;
import dev.slipway.api.control.v1.VertexState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/** The progress events of one build, read the way a person reads the progress display. */
public record BuildEvents(List<SolveEvent> all) {

  /** The final event of every named step, by step name, in the order steps first appeared. */
  public Map<String, VertexEvent> finalSteps() {
    Map<String, VertexEvent> last = new LinkedHashMap<>();
    for (SolveEvent e : all) {
      if (e.hasVertex() && !e.getVertex().getName().isEmpty()) {
        last.put(e.getVertex().getName(), e.getVertex());
      }
    }
    return last;
  }

  /** Final state of every step, by name. */
  public Map<String, VertexState> states() {
    Map<String, VertexState> states = new LinkedHashMap<>();
    finalSteps().forEach((name, e) -> states.put(name, e.getState()));
    return states;
  }

  /** The final event of the one step whose name contains {@code fragment}. */
  public VertexEvent step(String fragment) {
    List<VertexEvent> matches =
        finalSteps().values().stream().filter(e -> e.getName().contains(fragment)).toList();
    if (matches.size() != 1) {
      throw new NoSuchElementException(
          matches.size() + " steps contain \"" + fragment + "\" in " + finalSteps().keySet());
    }
    return matches.get(0);
  }

  /** Whether two finished steps were running at the same moment. */
  public static boolean overlap(VertexEvent a, VertexEvent b) {
    return instant(a.getStarted()).isBefore(instant(b.getCompleted()))
        && instant(b.getStarted()).isBefore(instant(a.getCompleted()));
  }

  public static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  /** Every byte the build reported: names, logs, errors, the result. */
  public byte[] bytes() {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (SolveEvent e : all) {
      out.writeBytes(e.toByteArray());
      out.writeBytes(e.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }
}
