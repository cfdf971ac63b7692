package dev.slipway.e2e.journeys;

import static dev.slipway.e2e.SlipwayInstallation.BUILDER;
import static dev.slipway.e2e.journeys.BuildsNamespace.NAMESPACE;
import static dev.slipway.e2e.journeys.BuildsNamespace.NONCE;
import static dev.slipway.e2e.journeys.BuildsNamespace.describe;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.e2e.Await;
import dev.slipway.testing.Busybox;
import dev.slipway.testing.Command;
import dev.slipway.testing.GitDaemon;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A GitOps pipeline keeps its build's archives on a volume: a BuildRequest with an oci output and a
 * local output to a PersistentVolumeClaim (a hostPath PersistentVolume on a directory of this
 * test's own, writable by the writer pod's user), read back from the host directory.
 */
final class VolumeOutputJourney {
  /** The writer pod's user (VolumeWriterPod): the claim's directory must be writable by it. */
  private static final int WRITER_UID = 65532;

  private static final String DOCKERFILE =
      "FROM "
          + Busybox.IN_REGISTRY
          + "\nARG NONCE\nRUN mkdir -p /made && echo \"$NONCE\" > /made/by-run.txt\n";

  private final BuildsNamespace builds;
  private final KubernetesClient client;
  private final GitDaemon git;
  private final Path work;

  VolumeOutputJourney(BuildsNamespace builds, KubernetesClient client, GitDaemon git, Path work) {
    this.builds = builds;
    this.client = client;
    this.git = git;
    this.work = work;
  }

  void aGitOpsBuildWritesItsOciArchiveAndRootfsToAClaim() throws Exception {
    Path volume = Files.createDirectories(work.resolve("artifacts-volume"));
    Files.setAttribute(volume, "unix:uid", WRITER_UID);
    Files.setAttribute(volume, "unix:gid", WRITER_UID);
    String url = git.publish("to-volume", Map.of("Dockerfile", DOCKERFILE));
    builds.apply(
        """
        apiVersion: v1
        kind: PersistentVolume
        metadata:
          name: slipway-e2e-artifacts-%1$s
        spec:
          storageClassName: slipway-e2e-artifacts
          capacity: {storage: 1Gi}
          accessModes: [ReadWriteOnce]
          persistentVolumeReclaimPolicy: Retain
          claimRef: {namespace: %2$s, name: artifacts}
          hostPath: {path: %3$s, type: Directory}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: artifacts
          namespace: %2$s
        spec:
          storageClassName: slipway-e2e-artifacts
          volumeName: slipway-e2e-artifacts-%1$s
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: 1Gi}}
        ---
        apiVersion: slipway.dev/v1alpha1
        kind: BuildRequest
        metadata:
          name: to-volume
          namespace: %2$s
        spec:
          builderRef: {name: %4$s}
          context:
            git: {url: "%5$s", ref: main}
          buildArgs: {NONCE: "%1$s"}
          outputs:
            - type: oci
              volumeClaimName: artifacts
              dest: images/app.tar
            - type: local
              volumeClaimName: artifacts
              dest: rootfs
        """
            .formatted(NONCE, NAMESPACE, volume, BUILDER, url));

    BuildRequest done = builds.awaitEnd("to-volume");
    assertThat(done.getStatus().getPhase()).as(describe(done)).isEqualTo(BuildPhase.SUCCEEDED);

    Path archive = volume.resolve("images/app.tar");
    assertThat(archive).isRegularFile();
    assertThat(Files.getAttribute(archive, "unix:uid")).isEqualTo(WRITER_UID);
    assertThat(layerFile(archive, "made/by-run.txt"))
        .as("the image in the OCI layout has the layer the RUN step wrote")
        .isEqualTo(NONCE + "\n");
    assertThat(volume.resolve("rootfs/made/by-run.txt")).hasContent(NONCE);
    assertThat(volume.resolve("rootfs/bin/busybox")).isRegularFile();
    Await.until(
        "the writer pod to be deleted",
        Duration.ofMinutes(1),
        () ->
            client
                .pods()
                .inNamespace(NAMESPACE)
                .withLabel("slipway.dev/output-writer-of", done.getMetadata().getUid())
                .list()
                .getItems(),
        List::isEmpty);
  }

  /**
   * Someone with the claim planted a symlink out of it: a build whose dest passes through it fails
   * with the writer's reason, and nothing lands where the link points.
   */
  void anOutputThroughASymlinkInTheClaimFailsAndWritesNothingOutside() throws Exception {
    Path volume = work.resolve("artifacts-volume");
    Path outside = Files.createDirectories(work.resolve("outside-the-claim"));
    Files.createSymbolicLink(volume.resolve("planted"), outside);
    String url = git.publish("through-link", Map.of("Dockerfile", DOCKERFILE));
    builds.apply(
        """
        apiVersion: slipway.dev/v1alpha1
        kind: BuildRequest
        metadata:
          name: through-link
          namespace: %s
        spec:
          builderRef: {name: %s}
          context:
            git: {url: "%s", ref: main}
          buildArgs: {NONCE: "%s"}
          outputs:
            - type: oci
              volumeClaimName: artifacts
              dest: planted/app.tar
        """
            .formatted(NAMESPACE, BUILDER, url, NONCE));

    BuildRequest done = builds.awaitEnd("through-link");
    assertThat(done.getStatus().getPhase()).as(describe(done)).isEqualTo(BuildPhase.FAILED);
    assertThat(done.getStatus().getMessage())
        .contains("spec.outputs[0] (type oci, artifacts:planted/app.tar)")
        .contains("symlink");
    try (var written = Files.list(outside)) {
      assertThat(written).isEmpty();
    }
  }

  /**
   * {@code file} as the image of the OCI layout {@code archive} holds it: index.json, its manifest
   * (through a nested index, if any), and the last layer that has it.
   */
  private String layerFile(Path archive, String file) throws Exception {
    Path layout = Files.createDirectories(work.resolve("oci-layout"));
    Command.of("tar", "-xf", archive.toString(), "-C", layout.toString()).run().requireSuccess();
    ObjectMapper json = new ObjectMapper();
    JsonNode index = json.readTree(layout.resolve("index.json").toFile());
    assertThat(
            json.readTree(layout.resolve("oci-layout").toFile())
                .path("imageLayoutVersion")
                .asText())
        .isEqualTo("1.0.0");
    JsonNode manifest = index;
    while (manifest.has("manifests")) {
      assertThat(manifest.path("manifests")).as("one image").hasSize(1);
      manifest = json.readTree(blob(layout, manifest.path("manifests").get(0)).toFile());
    }
    assertThat(manifest.path("mediaType").asText())
        .isEqualTo("application/vnd.oci.image.manifest.v1+json");
    assertThat(blob(layout, manifest.path("config"))).isRegularFile();
    List<String> found = new ArrayList<>();
    for (JsonNode layer : manifest.path("layers")) {
      Path blob = blob(layout, layer);
      assertThat(blob).isRegularFile();
      Command.Result listed = Command.of("tar", "-xOzf", blob.toString(), file).run();
      if (listed.succeeded()) {
        found.add(listed.stdout());
      }
    }
    assertThat(found).as("a layer has " + file).isNotEmpty();
    return found.getLast();
  }

  private static Path blob(Path layout, JsonNode descriptor) {
    String[] digest = descriptor.path("digest").asText().split(":", 2);
    return layout.resolve("blobs").resolve(digest[0]).resolve(digest[1]);
  }
}
