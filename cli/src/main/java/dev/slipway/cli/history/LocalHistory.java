package dev.slipway.cli.history;

import dev.slipway.api.control.v1.HistoryRecord;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.engine.history.HistoryLimits;
import dev.slipway.engine.history.HistoryStore;
import dev.slipway.engine.history.StoredRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The history the local engine keeps in its state directory ({@code slipway build --local} records
 * there). The directory is this user's, so every record in it is.
 */
public final class LocalHistory implements HistorySource {
  private final HistoryStore store;

  public LocalHistory(Path stateDirectory) throws IOException {
    this.store =
        HistoryStore.open(stateDirectory.resolve(HistoryStore.DIRECTORY), HistoryLimits.defaults());
  }

  @Override
  public List<HistoryRecord> list() {
    return store.list().stream().map(s -> s.record().toBuilder().clearSteps().build()).toList();
  }

  @Override
  public HistoryRecord inspect(String id) {
    return store.read(id).map(StoredRecord::record).orElseThrow(() -> unknown(id));
  }

  @Override
  public void logs(String id, Consumer<SolveEvent> events) {
    try {
      if (!store.replay(id, events)) {
        throw unknown(id);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public List<String> remove(List<String> ids, Consumer<String> failures) {
    List<String> removed = new ArrayList<>();
    for (String id : ids) {
      try {
        if (store.remove(id)) {
          removed.add(id);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return removed;
  }

  @Override
  public String listCommand() {
    return "slipway history ls --local";
  }

  private HistoryException unknown(String id) {
    return new HistoryException(
        "no finished build " + id + " is kept here; " + listCommand() + " lists the kept ones");
  }
}
