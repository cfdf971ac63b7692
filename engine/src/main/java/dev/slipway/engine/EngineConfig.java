package dev.slipway.engine;

import dev.slipway.engine.snapshot.SnapshotterMode;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How an engine runs.
 *
 * @param stateDir where the cache, snapshots, images and context copies live
 * @param snapshotter overlay or copy; empty picks overlay where the kernel allows it
 * @param runtime the OCI runtime executable; empty finds crun or runc on PATH
 * @param parallelism steps run at the same time, across all builds
 */
public record EngineConfig(
    Path stateDir, Optional<SnapshotterMode> snapshotter, Optional<Path> runtime, int parallelism) {

  public EngineConfig {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, not " + parallelism);
    }
  }

  /** Overlay where possible, the runtime on PATH, one step per core (at least two). */
  public static EngineConfig defaults(Path stateDir) {
    return new EngineConfig(
        stateDir,
        Optional.empty(),
        Optional.empty(),
        Math.max(2, Runtime.getRuntime().availableProcessors()));
  }

  /**
   * The output of one RUN step that reaches the build's log (BuildKit's default, 2 MiB); the rest
   * is dropped after one line that says so. One accessor so the limit has one source.
   */
  public long maxLogBytesPerStep() {
    return dev.slipway.engine.exec.ClippedLogSink.DEFAULT_LIMIT;
  }

  public EngineConfig withParallelism(int n) {
    return new EngineConfig(stateDir, snapshotter, runtime, n);
  }

  public EngineConfig withSnapshotter(SnapshotterMode mode) {
    return new EngineConfig(stateDir, Optional.of(mode), runtime, parallelism);
  }
}
