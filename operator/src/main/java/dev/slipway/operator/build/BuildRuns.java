package dev.slipway.operator.build;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The attempts the operator follows, by BuildRequest uid. Only the leader holds any: after a
 * restart or a leader change they are rebuilt from the BuildRequests' status and the pods'
 * ListBuilds.
 */
public final class BuildRuns {

  private final ConcurrentHashMap<String, BuildRun> byRequestUid = new ConcurrentHashMap<>();

  public Optional<BuildRun> get(String requestUid) {
    return Optional.ofNullable(byRequestUid.get(requestUid));
  }

  public void put(String requestUid, BuildRun run) {
    byRequestUid.put(requestUid, run);
  }

  public void remove(String requestUid) {
    byRequestUid.remove(requestUid);
  }

  /** Builds the operator runs on a pod that still hold a slot there. */
  public int occupying(String endpoint) {
    return (int)
        byRequestUid.values().stream()
            .filter(r -> r.pod().endpoint().equals(endpoint) && r.occupiesSlot())
            .count();
  }
}
