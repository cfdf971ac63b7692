package dev.slipway.operator.build;

import dev.slipway.operator.control.BuilderPod;
import java.util.List;

/**
 * A ready builder pod's load when a build is placed, and a summary of its cache.
 *
 * @param capacity builds it may run at once (the smaller of the Builder's spec and the pod's own)
 * @param active builds it runs now, counting those the operator started but the pod may not report
 *     yet
 * @param recentContextKeys context keys it built recently, newest first
 * @param recentDockerfileDigests sha256 (hex) of the Dockerfiles it ran recently, newest first
 * @param baseImages references of the base images its recent builds resolved, newest first
 */
public record PodLoad(
    BuilderPod pod,
    int capacity,
    int active,
    List<String> recentContextKeys,
    List<String> recentDockerfileDigests,
    List<String> baseImages) {

  public int free() {
    return Math.max(0, capacity - active);
  }
}
