package dev.slipway.e2e.journeys;

import static dev.slipway.e2e.SlipwayInstallation.BUILDER;
import static dev.slipway.e2e.SlipwayInstallation.SYSTEM_NAMESPACE;
import static dev.slipway.e2e.journeys.BuildsNamespace.BUILD_TIMEOUT;
import static dev.slipway.e2e.journeys.BuildsNamespace.NONCE;
import static dev.slipway.e2e.journeys.BuildsNamespace.describe;
import static dev.slipway.e2e.journeys.BuildsNamespace.slowDockerfile;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.e2e.LoopbackCluster;
import dev.slipway.testing.GitDaemon;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What users see when a builder pod or the operator dies mid-build: the operator retries or fails
 * the build with a reason, the CLI follows the retry, a replaced operator runs no build twice.
 */
final class MidBuildFailureJourneys {
  private final LoopbackCluster cluster;
  private final KubernetesClient client;
  private final BuildsNamespace builds;
  private final GitDaemon git;
  private final Path work;

  MidBuildFailureJourneys(
      LoopbackCluster cluster, BuildsNamespace builds, GitDaemon git, Path work) {
    this.cluster = cluster;
    this.client = cluster.client();
    this.builds = builds;
    this.git = git;
    this.work = work;
  }

  void aBuilderPodDeletedMidBuildIsRetriedOrFailsWithAReason() throws Exception {
    String url = git.publish("slow", Map.of("Dockerfile", slowDockerfile("slow", 20)));
    builds.apply(builds.buildRequest("retried", url, 1));
    builds.awaitRunning("retried");
    builds.deleteBuilderPod();
    BuildRequest retried = builds.awaitEnd("retried");
    assertThat(retried.getStatus().getPhase())
        .as(describe(retried))
        .isEqualTo(BuildPhase.SUCCEEDED);
    assertThat(retried.getStatus().getAttempts()).isEqualTo(2);

    builds.awaitBuilderReady();
    builds.apply(builds.buildRequest("no-retries", url, 0));
    builds.awaitRunning("no-retries");
    builds.deleteBuilderPod();
    BuildRequest failed = builds.awaitEnd("no-retries");
    assertThat(failed.getStatus().getPhase()).as(describe(failed)).isEqualTo(BuildPhase.FAILED);
    assertThat(failed.getStatus().getMessage()).contains(BUILDER + "-0");
    builds.awaitBuilderReady();
  }

  void aCliBuildFollowsTheRetryWhenItsBuilderPodIsDeleted() throws Exception {
    Path context = Files.createDirectories(work.resolve("cli-retry"));
    Files.writeString(context.resolve("Dockerfile"), slowDockerfile("cli-retry", 15));
    Path log = work.resolve("cli-retry.log");
    Process build =
        builds.startSlipway(
            log,
            BuildsNamespace.build(
                "-o", "type=local,dest=" + work.resolve("cli-retry-out"), context.toString()));
    try {
      builds.awaitStepProcess("cli-retry");
      builds.deleteBuilderPod();
      assertThat(build.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
          .as("the CLI ends")
          .isTrue();
    } finally {
      build.destroyForcibly();
    }
    String output = Files.readString(log);
    assertThat(build.exitValue()).as(output).isZero();
    assertThat(output).contains("the operator retries: attempt 2 of");
    assertThat(Files.readString(work.resolve("cli-retry-out/out")))
        .isEqualTo("cli-retry-" + NONCE + "\n");
    builds.awaitBuilderReady();
  }

  void theOperatorDeletedMidBuildIsReplacedAndTheBuildRunsOnce() throws Exception {
    String url = git.publish("slow-op", Map.of("Dockerfile", slowDockerfile("slow-op", 25)));
    builds.apply(builds.buildRequest("survivor", url, 0));
    BuildRequest running = builds.awaitRunning("survivor");
    String buildId = running.getStatus().getBuildId();
    List<String> operators =
        client
            .pods()
            .inNamespace(SYSTEM_NAMESPACE)
            .withLabel("app.kubernetes.io/name", "slipway")
            .list()
            .getItems()
            .stream()
            .map(p -> p.getMetadata().getName())
            .toList();
    assertThat(operators).isNotEmpty();
    List<String> delete =
        new ArrayList<>(List.of("delete", "pod", "-n", SYSTEM_NAMESPACE, "--wait=false"));
    delete.addAll(operators);
    cluster.kubectl(delete.toArray(String[]::new)).requireSuccess();

    BuildRequest done = builds.awaitEnd("survivor");
    assertThat(done.getStatus().getPhase()).as(describe(done)).isEqualTo(BuildPhase.SUCCEEDED);
    assertThat(done.getStatus().getBuildId()).isEqualTo(buildId);
    assertThat(done.getStatus().getAttempts()).isEqualTo(1);
    List<String> started =
        builds.builderLog().lines().filter(l -> l.matches(".*build \\S+ started.*")).toList();
    assertThat(started.stream().filter(l -> l.contains("build " + buildId + " started")))
        .as("the build started once on the builder")
        .hasSize(1);
    assertThat(started.getLast())
        .as("no build was started after it (a duplicate would be)")
        .contains(buildId);
  }
}
