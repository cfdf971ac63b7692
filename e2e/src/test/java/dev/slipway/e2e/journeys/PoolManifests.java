package dev.slipway.e2e.journeys;

import static dev.slipway.e2e.SlipwayInstallation.STORAGE_CLASS;
import static dev.slipway.e2e.journeys.BuildsNamespace.NAMESPACE;
import static dev.slipway.e2e.journeys.BuildsNamespace.NONCE;
import static dev.slipway.e2e.journeys.BuildsNamespace.REGISTRY;

import dev.slipway.e2e.LoopbackCluster;
import dev.slipway.testing.Busybox;

/**
 * What the scale-out journeys apply: Builders of several replicas (each pod in its node's network,
 * so one per node), their cache volumes, the projects they build (ConfigMap contexts) and the
 * BuildRequests, as a GitOps pipeline writes them.
 */
final class PoolManifests {

  /** The pool of journeys (a), (b) and (d): 3 replicas, 2 slots each. */
  static final String POOL = "pool";

  /** Not the first Builder's port: both Builders' pods share node 1's network. */
  static final int POOL_PORT = 17790;

  /** The autoscaled Builder of journey (c). */
  static final String AUTOSCALED = "autoscaled";

  static final int AUTOSCALED_PORT = 17795;

  /** The builder image under a second tag, for journey (d)'s image change. */
  static final String ROLLED_TAG = "dev-rolled";

  /** The RUN steps of {@link #project}'s Dockerfile. */
  static final int PROJECT_RUN_STEPS = 2;

  private PoolManifests() {}

  /**
   * {@code count} hostPath volumes for a Builder's cache claims (one per pod), under the cluster's
   * state directory. Retained: a pod scaled away and back finds its cache.
   */
  static String cacheVolumes(String builder, int count) {
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < count; i++) {
      yaml.append(
          """
          ---
          apiVersion: v1
          kind: PersistentVolume
          metadata:
            name: slipway-e2e-%s-cache-%d
          spec:
            storageClassName: %s
            capacity:
              storage: 10Gi
            accessModes: [ReadWriteOnce]
            persistentVolumeReclaimPolicy: Retain
            hostPath:
              path: %s/volumes/%s-cache-%d
              type: DirectoryOrCreate
          """
              .formatted(builder, i, STORAGE_CLASS, LoopbackCluster.STATE, builder, i));
    }
    return yaml.toString();
  }

  /** Builder {@value #POOL}: 3 replicas in their nodes' networks. */
  static String pool() {
    return cacheVolumes(POOL, 3)
        + """
        ---
        apiVersion: slipway.dev/v1alpha1
        kind: Builder
        metadata:
          name: %s
          namespace: %s
        spec:
          replicas: 3
          maxParallelBuilds: 2
          hostNetwork: true
          port: %d
          cache:
            size: 10Gi
            storageClassName: %s
          registry:
            insecureHosts: ["%s"]
        """
            .formatted(POOL, NAMESPACE, POOL_PORT, STORAGE_CLASS, REGISTRY);
  }

  /** Builder {@value #AUTOSCALED}: 1 to 3 replicas, 2 queued builds per replica, 20 s delay. */
  static String autoscaled() {
    return cacheVolumes(AUTOSCALED, 3)
        + """
        ---
        apiVersion: slipway.dev/v1alpha1
        kind: Builder
        metadata:
          name: %s
          namespace: %s
        spec:
          maxParallelBuilds: 2
          hostNetwork: true
          port: %d
          autoscaling:
            minReplicas: 1
            maxReplicas: 3
            targetQueuedPerReplica: 2
            scaleDownDelay: 20s
          cache:
            size: 10Gi
            storageClassName: %s
          registry:
            insecureHosts: ["%s"]
        """
            .formatted(AUTOSCALED, NAMESPACE, AUTOSCALED_PORT, STORAGE_CLASS, REGISTRY);
  }

  /**
   * ConfigMap {@code name} holding a project's Dockerfile: a step that is the project's own (this
   * run's nonce makes it new to every cache), then a RUN that sleeps build arg {@code SLEEP}
   * seconds (default 0), so a long build of the same project has the same Dockerfile and context.
   */
  static String project(String name) {
    String dockerfile =
        "FROM "
            + Busybox.IN_REGISTRY
            + "\nRUN echo "
            + name
            + "-"
            + NONCE
            + " > /project\nARG SLEEP=0\nRUN sleep $SLEEP && echo $SLEEP > /slept\n";
    return configMap(name, dockerfile);
  }

  /**
   * ConfigMap {@code name} whose Dockerfile sleeps {@code seconds} then writes build arg {@code N}:
   * each request with its own N runs its own step.
   */
  static String sleeper(String name, int seconds) {
    String dockerfile =
        "FROM "
            + Busybox.IN_REGISTRY
            + "\nARG N\nRUN sleep "
            + seconds
            + " && echo "
            + NONCE
            + "-$N > /n\n";
    return configMap(name, dockerfile);
  }

  private static String configMap(String name, String dockerfile) {
    StringBuilder indented = new StringBuilder();
    dockerfile.lines().forEach(l -> indented.append("    ").append(l).append('\n'));
    return """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: %s
          namespace: %s
        data:
          Dockerfile: |
        %s"""
        .formatted(name, NAMESPACE, indented);
  }

  /**
   * BuildRequest {@code name} on {@code builder} of the ConfigMap context {@code context} with
   * {@code buildArgs} (a YAML flow map, e.g. {@code {N: "1"}}), no retry (a lost build shows as
   * Failed, not hidden by a second attempt), an image output that is not pushed.
   */
  static String request(String name, String builder, String context, String buildArgs) {
    return """
        ---
        apiVersion: slipway.dev/v1alpha1
        kind: BuildRequest
        metadata:
          name: %s
          namespace: %s
        spec:
          builderRef: {name: %s}
          context:
            configMap: {name: %s}
          buildArgs: %s
          retries: 0
          outputs:
            - type: image
              names: ["%s/e2e/%s:%s"]
              push: false
        """
        .formatted(name, NAMESPACE, builder, context, buildArgs, REGISTRY, name, NONCE);
  }
}
