package dev.slipway.e2e.journeys;

import static dev.slipway.e2e.SlipwayInstallation.BUILDER;
import static dev.slipway.e2e.SlipwayInstallation.SYSTEM_NAMESPACE;
import static dev.slipway.e2e.journeys.BuildsNamespace.NAMESPACE;
import static dev.slipway.e2e.journeys.BuildsNamespace.NONCE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.Builder;
import dev.slipway.e2e.Await;
import dev.slipway.e2e.LoopbackCluster;
import dev.slipway.e2e.SlipwayInstallation;
import dev.slipway.testing.GitDaemon;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The users' journeys on a real Kubernetes (e2e/cluster/ on loopback): a platform team installs
 * Slipway with Helm and creates a Builder; a GitOps pipeline applies BuildRequests; a developer
 * runs {@code slipway build} from a directory; two users share the Builder without reaching each
 * other's builds; pods and the operator die mid-build; bad specs are refused; builds are cancelled;
 * a build for two platforms is split across the Builders that build them; a node is lost mid-build.
 * On a cluster of {@value NodeLossJourney#NODES} nodes. In order, since each journey starts where
 * the first one leaves the cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JourneysIT {

  /** Contexts, repositories, outputs: kept under target/ for whoever reads a red run. */
  private Path work;

  private LoopbackCluster cluster;
  private KubernetesClient client;
  private BuildsNamespace builds;
  private GitDaemon git;

  // The journeys by topic; each one's steps are in its own class.
  private GitOpsJourneys gitOps;
  private DeveloperJourney developer;
  private MidBuildFailureJourneys failures;
  private RefusalAndCancelJourneys refusals;
  private SharedBuilderJourneys sharing;
  private VolumeOutputJourney volumes;
  private ScaleOutJourneys scaleOut;
  private MultiPlatformJourney multiPlatform;
  private NodeLossJourney nodeLoss;
  private HistoryJourney history;

  @BeforeAll
  void bringUpTheClusterWithSlipwaysImages() throws Exception {
    work = Files.createDirectories(LoopbackCluster.ROOT.resolve("e2e/target/e2e-work/" + NONCE));
    cluster = LoopbackCluster.up(NodeLossJourney.NODES);
    client = cluster.client();
    builds = new BuildsNamespace(cluster, work);
    SlipwayInstallation.importImages(cluster, work);
    git = GitDaemon.start(work.resolve("git"));
    gitOps = new GitOpsJourneys(cluster, builds, git, work);
    developer = new DeveloperJourney(builds, work);
    failures = new MidBuildFailureJourneys(cluster, builds, git, work);
    refusals = new RefusalAndCancelJourneys(cluster, builds, git);
    sharing = new SharedBuilderJourneys(cluster, builds, work);
    volumes = new VolumeOutputJourney(builds, client, git, work);
    scaleOut = new ScaleOutJourneys(cluster, builds, work);
    multiPlatform = new MultiPlatformJourney(cluster, builds, work);
    nodeLoss = new NodeLossJourney(cluster, builds, git);
    history = new HistoryJourney(builds, git);
  }

  @AfterAll
  void tearDown() throws Exception {
    try {
      if (builds != null) {
        builds.saveLogs();
      }
    } finally {
      if (git != null) {
        git.close();
      }
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  @Test
  @Order(10)
  void helmInstallThenABuilderComesUp() {
    cluster
        .apply("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + NAMESPACE + "\n")
        .requireSuccess();
    SlipwayInstallation.helmInstall(cluster).requireSuccess();
    Await.until(
        "the operator Deployment to be available",
        Duration.ofMinutes(3),
        () ->
            client
                .apps()
                .deployments()
                .inNamespace(SYSTEM_NAMESPACE)
                .withName("slipway-operator")
                .get(),
        d ->
            d.getStatus() != null
                && Integer.valueOf(1).equals(d.getStatus().getAvailableReplicas()));

    cluster
        .apply(
            SlipwayInstallation.cacheVolumes(LoopbackCluster.STATE.toString(), 0, 1)
                + "---\n"
                + SlipwayInstallation.builder(NAMESPACE))
        .requireSuccess();
    Builder ready = builds.awaitBuilderReady();
    Pod pod = client.pods().inNamespace(NAMESPACE).withName(BUILDER + "-0").get();
    assertThat(pod.getSpec().getHostNetwork()).isTrue();
    assertThat(pod.getSpec().getNodeName()).isEqualTo(LoopbackCluster.nodeName(1));
    assertThat(ready.getStatus().getPods())
        .singleElement()
        .satisfies(
            p ->
                assertThat(p.getEndpoint())
                    .isEqualTo("127.0.0.1:" + SlipwayInstallation.BUILDER_PORT));
  }

  @Test
  @Order(20)
  void aGitOpsBuildWithAClusterSecretIsPushedAndRuns() throws Exception {
    gitOps.aGitOpsBuildWithAClusterSecretIsPushedAndRuns();
  }

  @Test
  @Order(21)
  void aGitOpsBuildGetsAnSshAgentWithTheKeyOfASecret() throws Exception {
    gitOps.aGitOpsBuildGetsAnSshAgentWithTheKeyOfASecret();
  }

  @Test
  @Order(22)
  void aGitOpsBuildWritesItsOciArchiveAndRootfsToAClaim() throws Exception {
    volumes.aGitOpsBuildWritesItsOciArchiveAndRootfsToAClaim();
  }

  @Test
  @Order(23)
  void anOutputThroughASymlinkInTheClaimFailsAndWritesNothingOutside() throws Exception {
    volumes.anOutputThroughASymlinkInTheClaimFailsAndWritesNothingOutside();
  }

  @Test
  @Order(25)
  void kubectlWaitsForABuildsSuccessAndFailure() throws Exception {
    new KubectlWaitJourney(cluster, builds, git).kubectlWaitsForSuccessAndForFailure();
  }

  @Test
  @Order(30)
  void slipwayBuildFromALocalDirectoryThroughTheCluster() throws Exception {
    developer.slipwayBuildFromALocalDirectoryThroughTheCluster();
  }

  @Test
  @Order(35)
  void twoUsersSharingTheBuilderCannotReachEachOthersBuilds() throws Exception {
    sharing.anotherUserOfTheBuilderCannotReachAlicesBuild();
  }

  @Test
  @Order(40)
  void aBuilderPodDeletedMidBuildIsRetriedOrFailsWithAReason() throws Exception {
    failures.aBuilderPodDeletedMidBuildIsRetriedOrFailsWithAReason();
  }

  @Test
  @Order(41)
  void aCliBuildFollowsTheRetryWhenItsBuilderPodIsDeleted() throws Exception {
    failures.aCliBuildFollowsTheRetryWhenItsBuilderPodIsDeleted();
  }

  @Test
  @Order(50)
  void theOperatorDeletedMidBuildIsReplacedAndTheBuildRunsOnce() throws Exception {
    failures.theOperatorDeletedMidBuildIsReplacedAndTheBuildRunsOnce();
  }

  @Test
  @Order(60)
  void aBadSpecIsRefusedAtApplyWithTheSchemasMessage() {
    refusals.aBadSpecIsRefusedAtApplyWithTheSchemasMessage();
  }

  @Test
  @Order(70)
  void cancellingStopsTheRemoteBuild() throws Exception {
    refusals.cancellingStopsTheRemoteBuild();
  }

  @Test
  @Order(80)
  void aSecondBuildOfAProjectLandsOnTheReplicaWithItsCacheAndRunsNoStep() {
    scaleOut.aSecondBuildOfAProjectLandsOnTheReplicaWithItsCacheAndRunsNoStep();
  }

  @Test
  @Order(81)
  void withThatReplicaBusyTheBuildTakesTheCachedStepsFromItsPeer() {
    scaleOut.withThatReplicaBusyTheBuildTakesTheCachedStepsFromItsPeer();
  }

  @Test
  @Order(82)
  void queuedBuildsScaleABuilderFromOneToThreeReplicasAndBack() {
    scaleOut.queuedBuildsScaleABuilderFromOneToThreeReplicasAndBack();
  }

  @Test
  @Order(83)
  void aBuilderImageChangeDuringSixRunningBuildsLosesNone() throws Exception {
    scaleOut.aBuilderImageChangeDuringSixRunningBuildsLosesNone();
  }

  /** Before the node loss: it labels node 3 arm64 for a while (a restarted kubelet resets it). */
  @Test
  @Order(90)
  void aTwoPlatformBuildIsSplitAcrossBuildersAndItsIndexPushedOnce() throws Exception {
    multiPlatform.aTwoPlatformBuildIsSplitAcrossBuildersAndItsIndexPushedOnce();
  }

  @Test
  @Order(95)
  void finishedBuildsAreListedInspectedAndReplayedWithSlipwayHistory() throws Exception {
    history.finishedBuildsAreListedInspectedAndReplayed();
  }

  /** Last: it takes a node away and brings it back. */
  @Test
  @Order(1000)
  void buildsOnALostNodeAreRetriedOnAnotherAndSucceed() throws Exception {
    nodeLoss.buildsOnALostNodeAreRetriedOnAnotherAndSucceed();
  }
}
