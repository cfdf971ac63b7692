package dev.slipway.cli.history;

import dev.slipway.api.control.v1.HistoryRecord;
import dev.slipway.api.control.v1.SolveEvent;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where {@code slipway history} reads finished builds: the local engine's state directory, a
 * builder process, or the BuildRequests of a cluster namespace. Ids are what {@link #list} names.
 */
public interface HistorySource extends AutoCloseable {
  /** Newest first, without steps. */
  List<HistoryRecord> list();

  /** The full record; throws {@link HistoryException} for an id this source does not keep. */
  HistoryRecord inspect(String id);

  /** Sends the kept events of build {@code id} in order. */
  void logs(String id, Consumer<SolveEvent> events);

  /**
   * Removes these records; returns the ids removed. One that cannot be removed while others can
   * goes to {@code failures} (what and why), and the rest are still removed.
   */
  List<String> remove(List<String> ids, Consumer<String> failures);

  /** What the user types to list this source's records, for errors. */
  String listCommand();

  @Override
  default void close() {}
}
