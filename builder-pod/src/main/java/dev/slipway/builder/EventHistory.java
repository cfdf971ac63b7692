package dev.slipway.builder;

import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.engine.history.EventBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The events of one build that a client re-attaching with {@code Status} is replayed, as its {@link
 * EventBudget} keeps them: a build's output can be any size; what the builder holds for it is not.
 */
final class EventHistory {
  /** Two BuildKit step logs: enough to re-read a failing step, small beside the builder's heap. */
  static final long DEFAULT_MAX_LOG_BYTES = 4L << 20;

  private final EventBudget budget;
  private final List<SolveEvent> events = new ArrayList<>();
  private long bytes;

  EventHistory(long maxLogBytes) {
    this.budget = new EventBudget(maxLogBytes, "for re-attaching");
  }

  /**
   * Keeps {@code event} if it is to be replayed; returns whether it was kept. Events not kept still
   * reach the clients attached at the time.
   */
  boolean add(SolveEvent event) {
    Optional<SolveEvent> kept = budget.admit(event);
    kept.ifPresent(this::keep);
    return kept.isPresent() && kept.get() == event;
  }

  private void keep(SolveEvent event) {
    events.add(event);
    bytes += event.getSerializedSize();
  }

  int size() {
    return events.size();
  }

  SolveEvent get(int index) {
    return events.get(index);
  }

  /** About what the kept events weigh: their encoded size. */
  long bytes() {
    return bytes;
  }
}
