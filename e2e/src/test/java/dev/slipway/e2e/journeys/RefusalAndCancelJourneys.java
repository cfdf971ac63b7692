package dev.slipway.e2e.journeys;

import static dev.slipway.e2e.SlipwayInstallation.BUILDER;
import static dev.slipway.e2e.journeys.BuildsNamespace.NAMESPACE;
import static dev.slipway.e2e.journeys.BuildsNamespace.describe;
import static dev.slipway.e2e.journeys.BuildsNamespace.slowDockerfile;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.e2e.LoopbackCluster;
import dev.slipway.testing.Command;
import dev.slipway.testing.GitDaemon;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;

/**
 * Builds that do not run to the end: a bad spec refused at apply, a build cancelled with {@code
 * slipway cancel} or by deleting its BuildRequest.
 */
final class RefusalAndCancelJourneys {
  private final LoopbackCluster cluster;
  private final KubernetesClient client;
  private final BuildsNamespace builds;
  private final GitDaemon git;

  RefusalAndCancelJourneys(LoopbackCluster cluster, BuildsNamespace builds, GitDaemon git) {
    this.cluster = cluster;
    this.client = cluster.client();
    this.builds = builds;
    this.git = git;
  }

  void aBadSpecIsRefusedAtApplyWithTheSchemasMessage() {
    Command.Result twoSources =
        cluster.apply(
            """
            apiVersion: slipway.dev/v1alpha1
            kind: BuildRequest
            metadata:
              name: two-sources
              namespace: %s
            spec:
              builderRef: {name: %s}
              context:
                git: {url: "git://127.0.0.1/x.git"}
                http: {url: "http://127.0.0.1/x.tar"}
              outputs: [{type: image, names: ["127.0.0.1:5000/x:y"]}]
            """
                .formatted(NAMESPACE, BUILDER));
    assertThat(twoSources.exitCode()).isNotZero();
    assertThat(twoSources.stderr())
        .contains(
            "The BuildRequest \"two-sources\" is invalid",
            "context needs exactly one source: git, http, configMap, image or client");

    Command.Result noOutputs =
        cluster.apply(
            """
            apiVersion: slipway.dev/v1alpha1
            kind: BuildRequest
            metadata:
              name: no-outputs
              namespace: %s
            spec:
              builderRef: {name: %s}
              context:
                git: {url: "git://127.0.0.1/x.git"}
            """
                .formatted(NAMESPACE, BUILDER));
    assertThat(noOutputs.exitCode()).isNotZero();
    assertThat(noOutputs.stderr()).contains("spec.outputs");
    assertThat(builds.request("two-sources")).isNull();
  }

  void cancellingStopsTheRemoteBuild() throws Exception {
    String url = git.publish("endless", Map.of("Dockerfile", slowDockerfile("endless", 600)));
    builds.apply(builds.buildRequest("cancel-cli", url, 0));
    builds.awaitRunning("cancel-cli");
    builds.awaitStepProcess("endless");
    builds
        .slipway(Map.of(), Duration.ofMinutes(1), "cancel", "-n", NAMESPACE, "cancel-cli")
        .requireSuccess();
    BuildRequest cancelled = builds.awaitEnd("cancel-cli");
    assertThat(cancelled.getStatus().getPhase())
        .as(describe(cancelled))
        .isEqualTo(BuildPhase.CANCELLED);
    builds.awaitNoStepProcess("endless");

    builds.apply(builds.buildRequest("cancel-delete", url, 0));
    builds.awaitRunning("cancel-delete");
    builds.awaitStepProcess("endless");
    cluster
        .kubectl(
            "delete",
            "buildrequest",
            "-n",
            NAMESPACE,
            "cancel-delete",
            "--wait=true",
            "--timeout=60s")
        .requireSuccess();
    builds.awaitNoStepProcess("endless");
  }
}
