package dev.slipway.operator.builder;

import dev.slipway.api.control.v1.InfoResponse;
import dev.slipway.api.resource.BuilderPodStatus;
import dev.slipway.operator.control.BuilderClient;
import dev.slipway.operator.control.BuilderPod;
import io.grpc.StatusRuntimeException;
import java.util.List;
import org.jboss.logging.Logger;

/** Asks a builder pod for its load and cache use, for the Builder's status. */
public final class BuilderStatusProbe {

  private static final Logger LOG = Logger.getLogger(BuilderStatusProbe.class);

  private final BuilderClient client;

  public BuilderStatusProbe(BuilderClient client) {
    this.client = client;
  }

  /** A pod's status and the platforms its Info lists (empty when it did not answer). */
  public record Probe(BuilderPodStatus status, List<String> platforms) {}

  /**
   * The pod's status; a pod that does not answer is reported as not ready, one being deleted,
   * marked by the autoscaler ({@code marked}) or that says it drains as draining (and not ready: it
   * takes no new build).
   */
  public Probe probe(BuilderPod pod, boolean marked) {
    BuilderPodStatus status = new BuilderPodStatus();
    status.setName(pod.name());
    status.setEndpoint(pod.endpoint());
    status.setReady(false);
    boolean leaving = pod.terminating() || marked;
    status.setDraining(leaving);
    if (!(pod.ready() || pod.terminating()) || pod.access() == null) {
      return new Probe(status, List.of());
    }
    try {
      InfoResponse info = client.info(pod);
      status.setDraining(leaving || info.getDraining());
      status.setReady(pod.ready() && !leaving && !info.getDraining());
      status.setActiveBuilds(info.getActiveBuilds());
      status.setMaxParallelBuilds(info.getMaxParallelBuilds());
      status.setCacheBytes(info.getCacheBytes());
      return new Probe(status, List.copyOf(info.getPlatformsList()));
    } catch (StatusRuntimeException e) {
      LOG.debugf("builder pod %s did not answer Info: %s", pod.name(), e.getStatus());
    }
    return new Probe(status, List.of());
  }
}
