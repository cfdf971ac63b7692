package dev.slipway.operator.scaling;

import dev.slipway.api.resource.BuilderAutoscaling;
import dev.slipway.api.resource.Durations;
import dev.slipway.operator.build.BuilderDemand;
import java.time.Duration;

/**
 * A Builder's spec.autoscaling, checked: the CRD refuses bad values, but the operator does not
 * assume an API server ran that check.
 */
record ScalingPolicy(
    int minReplicas, int maxReplicas, int targetQueuedPerReplica, Duration scaleDownDelay) {

  private static final String FIELD = "spec.autoscaling.";

  /**
   * @throws IllegalArgumentException naming the field that is wrong and how to fix it
   */
  static ScalingPolicy of(BuilderAutoscaling spec) {
    int min = required(spec.getMinReplicas(), "minReplicas");
    int max = required(spec.getMaxReplicas(), "maxReplicas");
    if (min < 0) {
      throw new IllegalArgumentException(FIELD + "minReplicas is " + min + "; use 0 or more");
    }
    if (max < 1 || max < min) {
      throw new IllegalArgumentException(
          FIELD
              + "maxReplicas is "
              + max
              + "; it must be at least 1 and at least minReplicas ("
              + min
              + ")");
    }
    int target = spec.getTargetQueuedPerReplica() == null ? 2 : spec.getTargetQueuedPerReplica();
    if (target < 1) {
      throw new IllegalArgumentException(
          FIELD + "targetQueuedPerReplica is " + target + "; use 1 or more");
    }
    String delay = spec.getScaleDownDelay() == null ? "5m" : spec.getScaleDownDelay();
    return new ScalingPolicy(min, max, target, Durations.parse(FIELD + "scaleDownDelay", delay));
  }

  private static int required(Integer value, String field) {
    if (value == null) {
      throw new IllegalArgumentException(FIELD + field + " is missing; set it");
    }
    return value;
  }

  /** Pods for this many builds running or waiting: enough for the target, within the bounds. */
  int desired(BuilderDemand demand) {
    int builds = demand.running() + demand.waiting();
    int wanted = (builds + targetQueuedPerReplica - 1) / targetQueuedPerReplica;
    return Math.clamp(wanted, minReplicas, maxReplicas);
  }

  /** Why {@code desired} pods, for Events: "20 builds running or waiting, 3 replicas wanted". */
  String reason(BuilderDemand demand, int desired) {
    int builds = demand.running() + demand.waiting();
    return builds
        + (builds == 1 ? " build" : " builds")
        + " running or waiting ("
        + demand.waiting()
        + " waiting), "
        + desired
        + (desired == 1 ? " replica" : " replicas")
        + " wanted ("
        + targetQueuedPerReplica
        + " per replica, min "
        + minReplicas
        + ", max "
        + maxReplicas
        + ")";
  }
}
