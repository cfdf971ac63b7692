package dev.slipway.operator.build;

import dev.slipway.api.control.v1.IndexAssembly;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.Builder;
import dev.slipway.operator.auth.GrantCredentials;
import dev.slipway.operator.control.BuilderClient;
import dev.slipway.operator.control.BuilderPod;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import org.jboss.logging.Logger;

/**
 * Creates the {@link BuildRun}s of BuildRequests (the only place that does) and starts their
 * streams: Solve for an attempt the pod has not seen, Status for one it runs already. Every run
 * wakes its request on progress, at once when its stream ends.
 */
final class BuildLauncher {

  private static final Logger LOG = Logger.getLogger(BuildLauncher.class);

  /**
   * What a request's context resolves to: the ConfigMap it names (or null) and what of its cache a
   * pod may hold.
   */
  record Inputs(ConfigMap configMap, BuildCacheKeys cache) {
    String contextKey() {
      return cache.contextKey();
    }
  }

  private final BuilderClient client;
  private final BuildSessions sessions;
  private final BuildWakeups wakeups;
  private final BuildGrants grants;
  private final BuildPeers peers;

  BuildLauncher(
      BuilderClient client,
      BuildSessions sessions,
      BuildWakeups wakeups,
      BuildGrants grants,
      BuildPeers peers) {
    this.client = client;
    this.sessions = sessions;
    this.wakeups = wakeups;
    this.grants = grants;
    this.peers = peers;
  }

  static Inputs inputs(BuildRequest request, KubernetesClient kube) {
    var source = request.getSpec().getContext();
    ConfigMap configMap =
        source.getConfigMap() == null
            ? null
            : BuildValidator.configMap(
                kube, request.getMetadata().getNamespace(), source.getConfigMap().getName());
    var clientContext = source.getClient();
    String contextKey =
        ContextKeys.of(
            SolveRequests.context(source, configMap),
            clientContext == null ? null : clientContext.getAffinityKey());
    return new Inputs(configMap, BuildCacheKeys.of(request.getSpec(), configMap, contextKey));
  }

  /** A run of the request's attempt on the pod; nothing is sent yet. */
  BuildRun run(
      BuildRequest request, String buildId, int attempt, BuilderPod pod, String contextKey) {
    return new BuildRun(
        ResourceID.fromResource(request), buildId, attempt, pod, contextKey, this::changed);
  }

  /** A fresh run of a run's attempt, to follow it again after its stream broke. */
  BuildRun again(BuildRequest request, BuildRun broken, BuilderPod pod) {
    return run(request, broken.buildId(), broken.attempt(), pod, broken.contextKey());
  }

  /**
   * Mints the run's grant and writes it into the request's session Secret: before the status names
   * the pod, so that the CLI finds it.
   */
  GrantCredentials grant(BuildRequest request, BuildRun run, KubernetesClient kube) {
    return grants.issue(request, run, kube);
  }

  /**
   * Opens the build's session, if it needs one, and sends Solve, both with the run's grant, naming
   * the Builder's other pods as peers to fetch cache from; the run follows the progress.
   */
  void solve(
      BuildRequest request,
      KubernetesClient kube,
      Builder builder,
      ConfigMap configMap,
      BuildRun run,
      GrantCredentials grant) {
    String sessionId = sessions.open(request, builder, run, kube, grant);
    SolveRequest.Builder solve =
        SolveRequests.of(request, run.buildId(), builder, configMap, sessionId, run.contextKey())
            .toBuilder()
            .setPeerCache(peers.of(request, run, kube));
    if (PlatformSplit.isSplit(request)) {
      // every platform is built and pushed by its child: this Solve puts them into one index
      solve.setAssembleIndex(
          IndexAssembly.newBuilder().addAllParts(PlatformSplit.assemblyParts(request, kube)));
    }
    LOG.infof(
        "build %s/%s: Solve %s on pod %s",
        request.getMetadata().getNamespace(),
        request.getMetadata().getName(),
        run.buildId(),
        run.pod().name());
    SolveRequest sent = solve.build();
    run.follow(() -> client.solve(run.pod(), sent, grant, run));
  }

  /** Follows a build its pod runs already, with Status. */
  void watch(BuildRun run) {
    run.follow(() -> client.status(run.pod(), run.buildId(), run));
  }

  private void changed(BuildRun run, boolean ended) {
    if (ended) {
      wakeups.now(run.request());
    } else {
      wakeups.soon(run.request());
    }
  }
}
