package dev.slipway.operator.build;

import java.util.Map;

/**
 * What a Builder's BuildRequests ask of its pods now.
 *
 * @param waiting requests that wait for a pod (queued, or waiting for one to start)
 * @param runningByPod builds running (or being cancelled) per pod name
 */
public record BuilderDemand(int waiting, Map<String, Integer> runningByPod) {

  public static final BuilderDemand NONE = new BuilderDemand(0, Map.of());

  public int running() {
    return runningByPod.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** Builds on the pod; 0 once it runs none. */
  public int runningOn(String pod) {
    return runningByPod.getOrDefault(pod, 0);
  }
}
