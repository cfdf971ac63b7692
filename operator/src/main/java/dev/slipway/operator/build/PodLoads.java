package dev.slipway.operator.build;

import dev.slipway.api.control.v1.InfoResponse;
import dev.slipway.operator.control.BuilderClient;
import dev.slipway.operator.control.BuilderPod;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Measures the load of ready builder pods with Control.Info. Answers are kept briefly so that a
 * burst of placements costs one Info per pod, and dropped when a build on the pod ends; builds the
 * operator just started count even before the pod reports them.
 */
public final class PodLoads {

  private static final Logger LOG = Logger.getLogger(PodLoads.class);
  static final Duration INFO_TTL = Duration.ofSeconds(2);

  private record CachedInfo(InfoResponse info, long fetchedAt) {}

  private final BuilderClient client;
  private final BuildRuns runs;
  private final ConcurrentHashMap<String, CachedInfo> infos = new ConcurrentHashMap<>();

  public PodLoads(BuilderClient client, BuildRuns runs) {
    this.client = client;
    this.runs = runs;
  }

  /**
   * Loads of the ready pods that answer and do not drain; {@code maxParallelBuilds} caps each pod's
   * capacity. A pod being deleted is not ready; one that got SIGTERM says so in Info before its
   * readiness probe fails.
   */
  public List<PodLoad> of(List<BuilderPod> pods, int maxParallelBuilds) {
    List<PodLoad> loads = new ArrayList<>();
    for (BuilderPod pod : pods) {
      if (!pod.ready()) {
        continue;
      }
      InfoResponse info = info(pod);
      if (info == null || info.getDraining()) {
        continue;
      }
      int capacity =
          info.getMaxParallelBuilds() > 0
              ? Math.min(maxParallelBuilds, info.getMaxParallelBuilds())
              : maxParallelBuilds;
      int active = Math.max(info.getActiveBuilds(), runs.occupying(pod.endpoint()));
      loads.add(
          new PodLoad(
              pod,
              capacity,
              active,
              info.getRecentContextKeysList(),
              info.getRecentDockerfileDigestsList(),
              info.getBaseImagesList()));
    }
    return loads;
  }

  /** The pod's load changed (a build on it ended): ask it again next time. */
  public void invalidate(String endpoint) {
    infos.remove(endpoint);
  }

  private InfoResponse info(BuilderPod pod) {
    CachedInfo cached = infos.get(pod.endpoint());
    long now = System.nanoTime();
    if (cached != null && now - cached.fetchedAt() < INFO_TTL.toNanos()) {
      return cached.info();
    }
    try {
      InfoResponse info = client.info(pod);
      infos.put(pod.endpoint(), new CachedInfo(info, now));
      return info;
    } catch (StatusRuntimeException e) {
      LOG.warnf(
          "builder pod %s does not answer Info (%s); not placing builds on it",
          pod.name(), e.getStatus().getCode());
      infos.remove(pod.endpoint());
      return null;
    }
  }
}
