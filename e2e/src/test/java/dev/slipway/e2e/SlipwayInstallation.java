package dev.slipway.e2e;

import dev.slipway.testing.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Slipway as a platform team installs it on the loopback cluster: images built by Slipway itself
 * and imported into containerd, the Helm chart with the settings this cluster needs (host network,
 * the API server's loopback address), and a Builder whose cache lives on a hostPath
 * PersistentVolume (the cluster has no volume provisioner).
 */
public final class SlipwayInstallation {

  public static final String SYSTEM_NAMESPACE = "slipway-system";
  public static final String RELEASE = "slipway";
  public static final String IMAGE_REPO = "slipway.invalid/e2e";
  public static final String IMAGE_TAG = "dev";
  public static final String BUILDER = "e2e";

  /** Not the default 7777: the journeys also prove a Builder's port is honoured. */
  public static final int BUILDER_PORT = 17777;

  public static final int OPERATOR_HTTP_PORT = 18080;
  public static final String STORAGE_CLASS = "slipway-e2e-hostpath";

  private SlipwayInstallation() {}

  /**
   * Builds the builder and operator images with bin/slipway and imports them into every node's
   * containerd.
   */
  public static void importImages(LoopbackCluster cluster, Path work) throws IOException {
    for (String jar :
        List.of(
            "builder-pod/target/slipway-builder.jar",
            "operator/target/quarkus-app/quarkus-run.jar")) {
      if (!Files.isRegularFile(LoopbackCluster.ROOT.resolve(jar))) {
        throw new AssertionError(
            jar + " is missing: run the journeys in a reactor build, e.g. ./mvnw -B verify");
      }
    }
    Path images = Files.createDirectories(work.resolve("images"));
    Command.of(
            List.of(
                LoopbackCluster.ROOT.resolve("deploy/images/build-images.sh").toString(),
                images.toString()))
        .env(Map.of("SLIPWAY_IMAGE_REPO", IMAGE_REPO, "SLIPWAY_IMAGE_TAG", IMAGE_TAG))
        .timeout(Duration.ofMinutes(30))
        .in(LoopbackCluster.ROOT)
        .run()
        .requireSuccess();
    try (var archives = Files.list(images)) {
      for (Path archive : archives.filter(p -> p.toString().endsWith(".tar")).toList()) {
        cluster.importImage(archive);
      }
    }
  }

  /**
   * The base the Slipway images are built on (Debian with runc, git and ssh tools, and a JRE), in
   * the loopback registry; deploy/images/build-base.sh prints its name, building it if missing.
   */
  public static String baseImage() {
    String out =
        Command.of(List.of(LoopbackCluster.ROOT.resolve("deploy/images/build-base.sh").toString()))
            .timeout(Duration.ofMinutes(30))
            .in(LoopbackCluster.ROOT)
            .run()
            .requireSuccess()
            .stdout()
            .strip();
    return out.substring(out.lastIndexOf('\n') + 1);
  }

  /**
   * {@code helm upgrade --install} with the values this cluster needs; waits for the rollout. The
   * operator stays on node 1, so that losing another node (NodeLossJourney) loses only builds.
   */
  public static Command.Result helmInstall(LoopbackCluster cluster) {
    return cluster.helm(
        "upgrade",
        "--install",
        RELEASE,
        LoopbackCluster.ROOT.resolve("deploy/helm/slipway").toString(),
        "--namespace",
        SYSTEM_NAMESPACE,
        "--create-namespace",
        "--set",
        "image.repository=" + IMAGE_REPO + "/slipway-operator",
        "--set",
        "image.tag=" + IMAGE_TAG,
        "--set",
        "image.pullPolicy=Never",
        "--set",
        "builder.image.repository=" + IMAGE_REPO + "/slipway-builder",
        "--set",
        "builder.image.tag=" + IMAGE_TAG,
        "--set",
        "hostNetwork=true",
        "--set",
        "http.port=" + OPERATOR_HTTP_PORT,
        "--set",
        "kubernetesApi.host=127.0.0.1",
        "--set-string",
        "kubernetesApi.port=16443",
        "--set-string",
        "nodeSelector.kubernetes\\.io/hostname=" + LoopbackCluster.nodeName(1),
        "--wait",
        "--timeout",
        "5m");
  }

  /**
   * A StorageClass without provisioner and one hostPath volume per builder pod, numbered from
   * {@code first}; all nodes are this machine, so a volume serves a pod on any node.
   */
  public static String cacheVolumes(String stateDir, int first, int count) {
    StringBuilder yaml =
        new StringBuilder(
            """
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata:
              name: %s
            provisioner: kubernetes.io/no-provisioner
            volumeBindingMode: Immediate
            """
                .formatted(STORAGE_CLASS));
    for (int i = first; i < first + count; i++) {
      yaml.append(
          """
          ---
          apiVersion: v1
          kind: PersistentVolume
          metadata:
            name: slipway-e2e-cache-%d
          spec:
            storageClassName: %s
            capacity:
              storage: 10Gi
            accessModes: [ReadWriteOnce]
            persistentVolumeReclaimPolicy: Retain
            hostPath:
              path: %s/volumes/cache-%d
              type: DirectoryOrCreate
          """
              .formatted(i, STORAGE_CLASS, stateDir, i));
    }
    return yaml.toString();
  }

  /**
   * The journeys' Builder: one pod in the network of node 1 (127.0.0.1: only there does {@code
   * kubectl port-forward}, which {@code slipway build} uses, reach a builder; see e2e/README.md),
   * pushing to the loopback registry.
   */
  public static String builder(String namespace) {
    return """
        apiVersion: slipway.dev/v1alpha1
        kind: Builder
        metadata:
          name: %s
          namespace: %s
        spec:
          replicas: 1
          maxParallelBuilds: 2
          hostNetwork: true
          port: %d
          nodeSelector: {kubernetes.io/hostname: "%s"}
          cache:
            size: 10Gi
            storageClassName: %s
          registry:
            insecureHosts: ["127.0.0.1:5000"]
        """
        .formatted(BUILDER, namespace, BUILDER_PORT, LoopbackCluster.nodeName(1), STORAGE_CLASS);
  }
}
