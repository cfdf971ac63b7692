package dev.slipway.engine.history;

import dev.slipway.api.control.v1.BuildState;
import dev.slipway.api.control.v1.HistoryRecord;
import dev.slipway.api.control.v1.HistoryStep;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.control.v1.VertexEvent;
import dev.slipway.api.control.v1.VertexState;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Follows one build's events and, when it ends, leaves its {@link HistoryRecord} and its kept event
 * log in the store. The log goes to a temporary file as the build runs (within the {@link
 * EventBudget}), so a long build costs no memory; the store takes both over when the build ends. A
 * broken disk loses the record, never the build: recording failures are only logged.
 */
public final class HistoryRecorder implements Consumer<SolveEvent> {
  private static final System.Logger LOG = System.getLogger(HistoryRecorder.class.getName());

  private final HistoryStore store;
  private final String owner;
  private final HistoryRecord.Builder record;
  private final EventBudget budget;
  private final Map<String, HistoryStep.Builder> steps = new LinkedHashMap<>();
  private Path temp;
  private OutputStream out;
  private int stepsTotal;
  private int warnings;
  private boolean finished;

  HistoryRecorder(
      HistoryStore store, SolveRequest request, String owner, String name, long maxLogBytes) {
    this.store = store;
    this.owner = owner;
    this.budget = new EventBudget(maxLogBytes, "in its history");
    this.record =
        HistoryRecord.newBuilder()
            .setBuildId(request.getBuildId())
            .setName(name)
            .setStarted(BuildEnding.timestamp(Instant.now()))
            .addAllPlatforms(request.getPlatformsList());
    if (!HistoryIds.valid(request.getBuildId())) {
      LOG.log(
          System.Logger.Level.WARNING,
          "build id {0} cannot name a history record; this build is not recorded",
          String.valueOf(request.getBuildId()).replaceAll("\\p{Cntrl}", "?"));
      finished = true;
      return;
    }
    try {
      temp = store.newTemporaryFile();
      out = new BufferedOutputStream(Files.newOutputStream(temp));
    } catch (IOException e) {
      broken(e);
    }
  }

  @Override
  public synchronized void accept(SolveEvent event) {
    if (finished) {
      return;
    }
    observe(event);
    Optional<SolveEvent> kept = budget.admit(event);
    if (kept.isPresent() && out != null) {
      try {
        kept.get().writeDelimitedTo(out);
      } catch (IOException e) {
        broken(e);
      }
    }
  }

  private void observe(SolveEvent event) {
    switch (event.getEventCase()) {
      case ACCEPTED -> stepsTotal = event.getAccepted().getStepsTotal();
      case VERTEX -> step(event.getVertex());
      case WARNING -> warnings++;
      case RESULT ->
          record
              .setImageDigest(event.getResult().getImageDigest())
              .clearRefs()
              .addAllRefs(event.getResult().getRefsList());
      case ERROR -> record.setError(event.getError());
      default -> {}
    }
  }

  private void step(VertexEvent v) {
    HistoryStep.Builder s =
        steps.computeIfAbsent(
            v.getVertexId(), id -> HistoryStep.newBuilder().setVertexId(id).setName(v.getName()));
    s.setState(v.getState());
    if (v.hasStarted() && !s.hasStarted()) {
      s.setStarted(v.getStarted());
    }
    if (v.hasCompleted()) {
      s.setCompleted(v.getCompleted());
    }
  }

  /**
   * Ends the recording: writes the record with {@code state} and hands the log to the store. Call
   * once, after the build's last event (its result or error) was accepted.
   */
  public synchronized Optional<StoredRecord> finish(BuildState state) {
    if (finished) {
      return Optional.empty();
    }
    finished = true;
    record.setState(state).setCompleted(BuildEnding.timestamp(Instant.now()));
    int cached = 0;
    int executed = 0;
    for (HistoryStep.Builder s : steps.values()) {
      switch (s.getState()) {
        case VERTEX_STATE_CACHED -> cached++;
        case VERTEX_STATE_DONE, VERTEX_STATE_ERROR -> executed++;
        default -> {}
      }
      record.addSteps(s);
    }
    record
        .setStepsTotal(Math.max(stepsTotal, steps.size()))
        .setStepsCached(cached)
        .setStepsExecuted(executed)
        .setWarnings(warnings)
        .setLogClipped(budget.clipped())
        .setFailingStep(failingStep());
    try {
      out.close();
      return Optional.of(store.commit(record.build(), owner, temp));
    } catch (IOException | RuntimeException e) {
      broken(e);
      return Optional.empty();
    }
  }

  /** The step the error names, else the first that ended in an error. */
  private String failingStep() {
    String id = record.getError().getVertexId();
    HistoryStep.Builder named = id.isEmpty() ? null : steps.get(id);
    if (named != null) {
      return named.getName();
    }
    return steps.values().stream()
        .filter(s -> s.getState() == VertexState.VERTEX_STATE_ERROR)
        .map(HistoryStep.Builder::getName)
        .findFirst()
        .orElse("");
  }

  private void broken(Exception e) {
    LOG.log(
        System.Logger.Level.WARNING,
        "cannot record build {0} in the history: {1}",
        record.getBuildId(),
        e.toString());
    finished = true;
    if (out != null) {
      try {
        out.close();
      } catch (IOException ignored) {
        // already failing
      }
    }
    if (temp != null) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // left for the store's sweep of old temporary files
      }
    }
  }
}
