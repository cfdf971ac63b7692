package dev.slipway.engine.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Cleans a state directory after the engine died without releasing its resources (kill -9, power
 * loss): unmounts everything still mounted below it, deletes active snapshots, views and temporary
 * files, and deletes layer directories whose commit never completed. Committed snapshots survive.
 * {@link Snapshotters#open} runs it before using the directory.
 */
public final class SnapshotRecovery {

  /** What recovery released. */
  public record Report(List<Path> unmounted, List<Path> deleted) {
    public Report {
      unmounted = List.copyOf(unmounted);
      deleted = List.copyOf(deleted);
    }
  }

  private SnapshotRecovery() {}

  /** Recovers {@code stateDir}; fails if a live snapshotter has it open. */
  public static Report recover(Path stateDir) throws IOException {
    StateDirectory state = new StateDirectory(stateDir);
    state.lock();
    try {
      return recoverLocked(state);
    } finally {
      state.unlock();
    }
  }

  static Report recoverLocked(StateDirectory state) throws IOException {
    List<Path> unmounted = new ArrayList<>();
    for (Path mountPoint : Mounts.mountPointsUnder(state.root())) {
      Mounts.unmount(mountPoint);
      unmounted.add(mountPoint);
    }
    List<Path> deleted = new ArrayList<>();
    for (String disposable :
        List.of(StateDirectory.ACTIVE, StateDirectory.VIEWS, StateDirectory.TEMP)) {
      for (Path leftover : children(state.root().resolve(disposable))) {
        StateDirectory.deleteTree(leftover);
        deleted.add(leftover);
      }
    }
    Path committed = state.committedRoot();
    if (Files.isDirectory(committed)) {
      Set<String> records = new HashSet<>();
      for (long id : state.committedIds()) {
        records.add(Long.toString(id));
      }
      for (Path layer : children(committed)) {
        String name = layer.getFileName().toString();
        if (!name.endsWith(".json") && !records.contains(name)) {
          StateDirectory.deleteTree(layer);
          deleted.add(layer);
        }
      }
    }
    return new Report(unmounted, deleted);
  }

  private static List<Path> children(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> children = Files.list(dir)) {
      return children.toList();
    }
  }
}
