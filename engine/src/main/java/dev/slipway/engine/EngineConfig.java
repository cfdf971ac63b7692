package dev.slipway.engine;

import dev.slipway.engine.cache.PeerCacheSource;
import dev.slipway.engine.snapshot.SnapshotterMode;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How an engine runs.
 *
 * @param stateDir where the cache, snapshots, images and context copies live
 * @param snapshotter overlay or copy; empty picks overlay where the kernel allows it
 * @param runtime the OCI runtime executable; empty finds crun or runc on PATH
 * @param parallelism steps run at the same time, across all builds
 * @param limits what one build may download, unpack and log
 * @param allowInsecureEntitlement builds that ask for {@code security.insecure} may run {@code RUN
 *     --security=insecure} privileged; off unless the operator of the engine turns it on
 * @param peerCache where a build finds cached steps on other builders (a builder pod's peers)
 */
public record EngineConfig(
    Path stateDir,
    Optional<SnapshotterMode> snapshotter,
    Optional<Path> runtime,
    int parallelism,
    EngineLimits limits,
    boolean allowInsecureEntitlement,
    PeerCacheSource peerCache) {

  public EngineConfig {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, not " + parallelism);
    }
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(peerCache, "peerCache");
  }

  /** Overlay where possible, the runtime on PATH, one step per core (at least two). */
  public static EngineConfig defaults(Path stateDir) {
    return new EngineConfig(
        stateDir,
        Optional.empty(),
        Optional.empty(),
        Math.max(2, Runtime.getRuntime().availableProcessors()),
        EngineLimits.defaults(),
        false,
        PeerCacheSource.NONE);
  }

  public EngineConfig withParallelism(int n) {
    return new EngineConfig(
        stateDir, snapshotter, runtime, n, limits, allowInsecureEntitlement, peerCache);
  }

  public EngineConfig withSnapshotter(SnapshotterMode mode) {
    return new EngineConfig(
        stateDir,
        Optional.of(mode),
        runtime,
        parallelism,
        limits,
        allowInsecureEntitlement,
        peerCache);
  }

  public EngineConfig withLimits(EngineLimits l) {
    return new EngineConfig(
        stateDir, snapshotter, runtime, parallelism, l, allowInsecureEntitlement, peerCache);
  }

  public EngineConfig withInsecureEntitlement(boolean allow) {
    return new EngineConfig(stateDir, snapshotter, runtime, parallelism, limits, allow, peerCache);
  }

  public EngineConfig withPeerCache(PeerCacheSource source) {
    return new EngineConfig(
        stateDir, snapshotter, runtime, parallelism, limits, allowInsecureEntitlement, source);
  }
}
