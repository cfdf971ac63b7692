package dev.slipway.engine.exec;

import java.time.Duration;
import java.util.List;

/**
 * How a RUN process ended.
 *
 * @param exitCode the process's exit status; 128+N when it was killed by signal N
 * @param createdStubs mount points the executor created in the rootfs (parents first); remove them
 *     with {@link MountStubs#remove} before taking the layer diff
 */
public record ExecResult(int exitCode, Duration duration, List<String> createdStubs) {

  public ExecResult {
    createdStubs = List.copyOf(createdStubs);
  }

  public boolean succeeded() {
    return exitCode == 0;
  }
}
