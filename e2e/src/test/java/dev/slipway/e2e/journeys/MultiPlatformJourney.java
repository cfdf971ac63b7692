package dev.slipway.e2e.journeys;

import static dev.slipway.e2e.SlipwayInstallation.BUILDER;
import static dev.slipway.e2e.SlipwayInstallation.STORAGE_CLASS;
import static dev.slipway.e2e.journeys.BuildsNamespace.NAMESPACE;
import static dev.slipway.e2e.journeys.BuildsNamespace.NONCE;
import static dev.slipway.e2e.journeys.BuildsNamespace.REGISTRY;
import static dev.slipway.e2e.journeys.BuildsNamespace.describe;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.Builder;
import dev.slipway.api.resource.PlatformBuildStatus;
import dev.slipway.e2e.Await;
import dev.slipway.e2e.LoopbackCluster;
import dev.slipway.testing.Command;
import dev.slipway.testing.MultiArchBusybox;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Issue 18's GitOps journey: node 3 is labelled with a fake architecture ({@code
 * slipway.dev/arch=arm64}, since the kubelet resets {@code kubernetes.io/arch} to its own within
 * seconds; QEMU's binfmt_misc handler, host-wide, does the work) and gets a Builder {@value #ARM}
 * of its own; a BuildRequest for linux/amd64 and linux/arm64 with provenance on the journeys'
 * Builder (node 1, amd64) is split into one child per platform, each on the Builder that builds it
 * natively, and the index is assembled and pushed under the tag. What the registry holds is read
 * with skopeo, not with Slipway.
 */
final class MultiPlatformJourney {

  static final String ARM = "arm";
  static final int ARM_PORT = 17798;
  private static final int ARM_NODE = 3;

  /** The operator's override of kubernetes.io/arch, which the kubelet resets to amd64. */
  private static final String ARCH_LABEL = "slipway.dev/arch";

  private static final Duration TIMEOUT = Duration.ofMinutes(8);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final BuildsNamespace builds;
  private final Path work;

  MultiPlatformJourney(LoopbackCluster cluster, BuildsNamespace builds, Path work) {
    this.client = cluster.client();
    this.builds = builds;
    this.work = work;
  }

  void aTwoPlatformBuildIsSplitAcrossBuildersAndItsIndexPushedOnce() throws Exception {
    MultiArchBusybox.pushTo(REGISTRY);
    String node = LoopbackCluster.nodeName(ARM_NODE);
    setLabel(node, ARCH_LABEL, "arm64");
    try {
      builds.apply(PoolManifests.cacheVolumes(ARM, 1) + armBuilder());
      Builder arm =
          Await.until(
              "Builder arm to report linux/arm64 as native",
              Duration.ofMinutes(3),
              () -> client.resources(Builder.class).inNamespace(NAMESPACE).withName(ARM).get(),
              b ->
                  b.getStatus() != null
                      && List.of("linux/arm64").equals(b.getStatus().getNativePlatforms()));
      assertThat(arm.getStatus().getReadyReplicas()).isEqualTo(1);
      Builder main = client.resources(Builder.class).inNamespace(NAMESPACE).withName(BUILDER).get();
      assertThat(main.getStatus().getNativePlatforms()).containsExactly("linux/amd64");

      String image = REGISTRY + "/e2e/multi:" + NONCE;
      builds.apply(dockerfile() + request(image));
      BuildRequest parent =
          Await.until("multi to end", TIMEOUT, () -> builds.request("multi"), r -> isFinal(r));
      assertThat(parent.getStatus().getPhase())
          .as(describe(parent))
          .isEqualTo(BuildPhase.SUCCEEDED);

      List<BuildRequest> children =
          client
              .resources(BuildRequest.class)
              .inNamespace(NAMESPACE)
              .withLabel("slipway.dev/parent", "multi")
              .list()
              .getItems();
      assertThat(children)
          .extracting(c -> c.getMetadata().getName())
          .containsExactlyInAnyOrder("multi-linux-amd64", "multi-linux-arm64");
      assertThat(children)
          .allSatisfy(c -> assertThat(c.getStatus().getPhase()).isEqualTo(BuildPhase.SUCCEEDED));
      BuildRequest armChild = builds.request("multi-linux-arm64");
      assertThat(armChild.getSpec().getBuilderRef().getName()).isEqualTo(ARM);
      assertThat(armChild.getStatus().getBuilderPod()).isEqualTo(ARM + "-0");

      Map<String, PlatformBuildStatus> parts =
          parent.getStatus().getPlatforms().stream()
              .collect(Collectors.toMap(PlatformBuildStatus::getPlatform, p -> p));
      assertThat(parts).containsOnlyKeys("linux/amd64", "linux/arm64");
      assertThat(parts.get("linux/arm64").getBuilder()).isEqualTo(ARM);
      assertThat(parts.get("linux/arm64").getNativeBuild()).isTrue();
      assertThat(parts.get("linux/amd64").getBuilder()).isEqualTo(BUILDER);
      assertThat(parts.values())
          .allSatisfy(
              p -> {
                assertThat(p.getPhase()).isEqualTo(BuildPhase.SUCCEEDED);
                assertThat(p.getDigest()).startsWith("sha256:");
                assertThat(p.getAttestationDigest()).startsWith("sha256:");
              });

      String indexDigest = builds.registryDigest(image);
      assertThat(parent.getStatus().getResult().getDigest())
          .as("status.result.digest is the index under the tag")
          .isEqualTo(indexDigest);
      JsonNode index = JSON.readTree(raw(image));
      List<String> images = new ArrayList<>();
      List<JsonNode> attestations = new ArrayList<>();
      for (JsonNode m : index.get("manifests")) {
        JsonNode annotations = m.path("annotations");
        if ("attestation-manifest".equals(annotations.path("vnd.docker.reference.type").asText())) {
          attestations.add(m);
        } else {
          images.add(
              m.get("platform").get("os").asText()
                  + "/"
                  + m.get("platform").get("architecture").asText()
                  + "@"
                  + m.get("digest").asText());
        }
      }
      assertThat(images)
          .as("the index's platform images are the parts of the status")
          .containsExactly(
              "linux/amd64@" + parts.get("linux/amd64").getDigest(),
              "linux/arm64@" + parts.get("linux/arm64").getDigest());
      assertThat(attestations)
          .extracting(
              a -> a.get("digest").asText(),
              a -> a.get("annotations").get("vnd.docker.reference.digest").asText(),
              a ->
                  a.get("platform").get("os").asText()
                      + "/"
                      + a.get("platform").get("architecture").asText())
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple(
                  parts.get("linux/amd64").getAttestationDigest(),
                  parts.get("linux/amd64").getDigest(),
                  "unknown/unknown"),
              org.assertj.core.groups.Tuple.tuple(
                  parts.get("linux/arm64").getAttestationDigest(),
                  parts.get("linux/arm64").getDigest(),
                  "unknown/unknown"));

      assertThat(fileInImage(image, "arm64", "arch")).isEqualTo("aarch64\n");
      assertThat(fileInImage(image, "amd64", "arch")).isEqualTo("x86_64\n");
    } finally {
      client.resources(Builder.class).inNamespace(NAMESPACE).withName(ARM).delete();
      setLabel(node, ARCH_LABEL, null);
    }
  }

  private static boolean isFinal(BuildRequest r) {
    return r != null
        && r.getStatus() != null
        && r.getStatus().getPhase() != null
        && r.getStatus().getPhase().isFinal();
  }

  private void setLabel(String node, String key, String value) {
    client
        .nodes()
        .withName(node)
        .edit(
            (Node n) -> {
              if (value == null) {
                n.getMetadata().getLabels().remove(key);
              } else {
                n.getMetadata().getLabels().put(key, value);
              }
              return n;
            });
  }

  /** Builder {@value #ARM}: one pod on the node labelled arm64, in its node's network. */
  private static String armBuilder() {
    return """
        ---
        apiVersion: slipway.dev/v1alpha1
        kind: Builder
        metadata:
          name: %s
          namespace: %s
        spec:
          replicas: 1
          hostNetwork: true
          port: %d
          nodeSelector: {slipway.dev/arch: arm64}
          cache:
            size: 10Gi
            storageClassName: %s
          registry:
            insecureHosts: ["%s"]
        """
        .formatted(ARM, NAMESPACE, ARM_PORT, STORAGE_CLASS, REGISTRY);
  }

  private static String dockerfile() {
    return """
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: multi
          namespace: %s
        data:
          Dockerfile: |
            FROM %s
            RUN echo %s > /nonce && uname -m > /arch
        """
        .formatted(NAMESPACE, MultiArchBusybox.INDEX, NONCE);
  }

  private static String request(String image) {
    return """
        ---
        apiVersion: slipway.dev/v1alpha1
        kind: BuildRequest
        metadata:
          name: multi
          namespace: %s
        spec:
          builderRef: {name: %s}
          context:
            configMap: {name: multi}
          platforms: [linux/amd64, linux/arm64]
          attestations: {provenance: max}
          retries: 0
          outputs:
            - type: image
              names: ["%s"]
        """
        .formatted(NAMESPACE, BUILDER, image);
  }

  /** The raw manifest (or index) under {@code image}, as the registry serves it. */
  private String raw(String image) {
    return Command.of(
            List.of("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + image))
        .timeout(Duration.ofMinutes(1))
        .run()
        .requireSuccess()
        .stdout();
  }

  /** {@code path} of the image's {@code arch} variant, from its top layer (skopeo, then tar). */
  private String fileInImage(String image, String arch, String path) throws Exception {
    Path dir = work.resolve("multi-" + arch);
    Command.of(
            List.of(
                "skopeo",
                "copy",
                "--src-tls-verify=false",
                "--override-os",
                "linux",
                "--override-arch",
                arch,
                "docker://" + image,
                "dir:" + dir))
        .timeout(Duration.ofMinutes(2))
        .run()
        .requireSuccess();
    JsonNode manifest = JSON.readTree(Files.readString(dir.resolve("manifest.json")));
    JsonNode layers = manifest.get("layers");
    String top = layers.get(layers.size() - 1).get("digest").asText().substring("sha256:".length());
    return Command.of(List.of("tar", "-xzOf", dir.resolve(top).toString(), path))
        .timeout(Duration.ofMinutes(1))
        .run()
        .requireSuccess()
        .stdout();
  }
}
