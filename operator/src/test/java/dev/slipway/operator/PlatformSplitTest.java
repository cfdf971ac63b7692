package dev.slipway.operator;

import static dev.slipway.operator.testing.OperatorHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.BuildAttestations;
import dev.slipway.api.resource.BuildContextSource;
import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.ClientContext;
import dev.slipway.api.resource.PlatformBuildStatus;
import dev.slipway.api.resource.ProvenanceMode;
import dev.slipway.operator.testing.FakeBuilderPod;
import dev.slipway.operator.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * A BuildRequest for two platforms on a cluster with an amd64 node and an arm64 node, each with a
 * Builder: the operator splits it into one child per platform on the Builder that builds it
 * natively, mirrors the children, and assembles their index in one more Solve on its own Builder.
 */
@EnableKubernetesMockClient(crud = true)
class PlatformSplitTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final List<String> BOTH = List.of("linux/amd64", "linux/arm64");
  static KubernetesClient client;
  private OperatorHarness<FakeBuilderPod> cluster;

  @BeforeAll
  static void nodes() {
    node("node-amd", "amd64");
    node("node-arm", "arm64");
  }

  private static void node(String name, String arch) {
    client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(Map.of("kubernetes.io/os", "linux", "kubernetes.io/arch", arch))
                .endMetadata()
                .build())
        .create();
  }

  /** Builder main on the amd64 node (emulating arm64 when asked), Builder arm on the arm64 one. */
  private OperatorHarness<FakeBuilderPod> cluster(TestInfo test, boolean mainEmulatesArm) {
    cluster =
        OperatorHarness.withFakePods(
            client, test.getTestMethod().orElseThrow().getName().toLowerCase(), 2);
    cluster.createBuilder(
        "main",
        1,
        2,
        s -> {
          s.setNodeSelector(Map.of("kubernetes.io/arch", "amd64"));
          s.setEmulatedPlatforms(mainEmulatesArm ? List.of("linux/arm64") : null);
        });
    cluster.createBuilder(
        "arm", 1, 2, s -> s.setNodeSelector(Map.of("kubernetes.io/arch", "arm64")));
    await(
        "both Builders to report their platforms",
        WAIT,
        () ->
            platforms(cluster, "main").equals(List.of("linux/amd64"))
                && platforms(cluster, "arm").equals(List.of("linux/arm64")));
    return cluster;
  }

  private static List<String> platforms(OperatorHarness<?> c, String builder) {
    var b = c.builder(builder);
    return b == null || b.getStatus() == null || b.getStatus().getNativePlatforms() == null
        ? List.of()
        : b.getStatus().getNativePlatforms();
  }

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aBuilderShowsItsNodesPlatformsAndTheEmulatedOnesEveryPodRuns(TestInfo test) {
    var c = cluster(test, true);
    await(
        "main's emulated platforms",
        WAIT,
        () -> List.of("linux/arm64").equals(c.builder("main").getStatus().getEmulatedPlatforms()));
    c.editBuilder("arm", s -> s.setEmulatedPlatforms(List.of("linux/s390x")));
    await(
        "arm's status after the change",
        WAIT,
        () -> Long.valueOf(2).equals(c.builder("arm").getStatus().getObservedGeneration()));
    assertThat(c.builder("arm").getStatus().getEmulatedPlatforms())
        .as("its pods do not list linux/s390x in Info")
        .isNull();
  }

  @Test
  void twoPlatformsAreSplitAcrossTheBuildersThatBuildThemNativelyAndAssembledOnce(TestInfo test) {
    var c = cluster(test, true);
    c.createRequest(
        "app",
        "main",
        300,
        s -> {
          s.setPlatforms(BOTH);
          s.getOutputs().getFirst().setNames(List.of("127.0.0.1:5000/team/app:1.0"));
          BuildAttestations attestations = new BuildAttestations();
          attestations.setProvenance(ProvenanceMode.MAX);
          s.setAttestations(attestations);
        });
    await("the split build", WAIT, () -> c.phase("app") == BuildPhase.SUCCEEDED);

    BuildRequest arm = c.request("app-linux-arm64");
    BuildRequest amd = c.request("app-linux-amd64");
    assertThat(arm.getMetadata().getLabels())
        .containsEntry("slipway.dev/parent", "app")
        .containsEntry("slipway.dev/platform", "linux-arm64");
    assertThat(arm.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getUid()).isEqualTo(c.request("app").getMetadata().getUid());
              assertThat(o.getController()).isFalse();
            });
    assertThat(arm.getSpec().getBuilderRef().getName()).isEqualTo("arm");
    assertThat(amd.getSpec().getBuilderRef().getName()).isEqualTo("main");
    assertThat(arm.getSpec().getPlatforms()).containsExactly("linux/arm64");
    assertThat(arm.getSpec().getAttestations().getProvenance()).isEqualTo(ProvenanceMode.MAX);
    assertThat(arm.getSpec().getRetries()).isEqualTo(c.request("app").getSpec().getRetries());

    var armSolve = c.pods.pod("arm-0").received().getFirst().request();
    assertThat(armSolve.getPlatformsList()).containsExactly("linux/arm64");
    assertThat(armSolve.getOutputs(0).getNamesList())
        .as("pushed by digest to the repository, without a tag")
        .containsExactly("127.0.0.1:5000/team/app");
    assertThat(armSolve.getOutputs(0).getAttrsMap()).containsEntry("push-by-digest", "true");
    assertThat(armSolve.getAttestations().getProvenanceMode()).isEqualTo("max");

    List<FakeBuilderPod.Received> onMain = c.pods.pod("main-0").received();
    assertThat(onMain).as("the amd64 part, then the assembly").hasSize(2);
    var assembly = onMain.getLast().request();
    assertThat(assembly.getAssembleIndex().getPartsList())
        .containsExactly(
            "127.0.0.1:5000/team/app@" + FakeBuilderPod.digestOf("linux/amd64"),
            "127.0.0.1:5000/team/app@" + FakeBuilderPod.digestOf("linux/arm64"));
    assertThat(assembly.getOutputs(0).getNamesList())
        .as("the parent's tags")
        .containsExactly("127.0.0.1:5000/team/app:1.0");
    assertThat(assembly.getOutputs(0).getAttrsMap()).doesNotContainKey("push-by-digest");

    var status = c.request("app").getStatus();
    assertThat(status.getResult().getDigest()).isEqualTo("sha256:" + "ab".repeat(32));
    assertThat(status.getPlatforms())
        .extracting(
            PlatformBuildStatus::getPlatform,
            PlatformBuildStatus::getBuilder,
            PlatformBuildStatus::getNativeBuild,
            PlatformBuildStatus::getBuildRequest,
            PlatformBuildStatus::getPhase,
            PlatformBuildStatus::getDigest,
            PlatformBuildStatus::getAttestationDigest)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "linux/amd64",
                "main",
                true,
                "app-linux-amd64",
                BuildPhase.SUCCEEDED,
                FakeBuilderPod.digestOf("linux/amd64"),
                FakeBuilderPod.digestOf("attestation of linux/amd64")),
            org.assertj.core.groups.Tuple.tuple(
                "linux/arm64",
                "arm",
                true,
                "app-linux-arm64",
                BuildPhase.SUCCEEDED,
                FakeBuilderPod.digestOf("linux/arm64"),
                FakeBuilderPod.digestOf("attestation of linux/arm64")));
    assertThat(events(c, "app", "PlatformSplit"))
        .containsExactlyInAnyOrder(
            "created BuildRequest app-linux-amd64 for linux/amd64 on Builder main (native)",
            "created BuildRequest app-linux-arm64 for linux/arm64 on Builder arm (native)");
  }

  @Test
  void aClientContextIsNotSplitAndItsBuilderEmulatesTheOtherPlatform(TestInfo test) {
    var c = cluster(test, true);
    c.createRequest(
        "cli",
        "main",
        100,
        s -> {
          s.setPlatforms(BOTH);
          ClientContext client = new ClientContext();
          client.setSessionId("cli-session-1");
          BuildContextSource context = new BuildContextSource();
          context.setClient(client);
          s.setContext(context);
        });
    await("the build", WAIT, () -> c.phase("cli") == BuildPhase.SUCCEEDED);
    assertThat(c.request("cli-linux-arm64")).as("no child").isNull();
    assertThat(c.pods.pod("arm-0").received()).isEmpty();
    var solve = c.pods.pod("main-0").received().getLast().request();
    assertThat(solve.getPlatformsList()).containsExactlyElementsOf(BOTH);
    assertThat(solve.hasAssembleIndex()).isFalse();
    assertThat(c.request("cli").getStatus().getPlatforms())
        .extracting(
            PlatformBuildStatus::getPlatform,
            PlatformBuildStatus::getBuilder,
            PlatformBuildStatus::getNativeBuild,
            PlatformBuildStatus::getBuildRequest,
            PlatformBuildStatus::getDigest)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "linux/amd64", "main", true, null, FakeBuilderPod.digestOf("linux/amd64")),
            org.assertj.core.groups.Tuple.tuple(
                "linux/arm64", "main", false, null, FakeBuilderPod.digestOf("linux/arm64")));
  }

  @Test
  void aClientContextForAPlatformItsBuilderCannotBuildWaitsAndSaysWhatToChange(TestInfo test) {
    var c = cluster(test, false);
    c.createRequest(
        "cli",
        "main",
        100,
        s -> {
          s.setPlatforms(BOTH);
          ClientContext client = new ClientContext();
          client.setSessionId("cli-session-1");
          BuildContextSource context = new BuildContextSource();
          context.setClient(client);
          s.setContext(context);
        });
    await(
        "the explanation",
        WAIT,
        () ->
            c.request("cli").getStatus() != null
                && c.request("cli").getStatus().getMessage() != null);
    assertThat(c.request("cli").getStatus().getPhase()).isEqualTo(BuildPhase.PENDING);
    assertThat(c.request("cli").getStatus().getMessage())
        .isEqualTo(
            "Builder main neither builds linux/arm64 natively nor emulates it, and this build"
                + " cannot be split across Builders (its context is served by one slipway CLI"
                + " session): add linux/arm64 to main's spec.emulatedPlatforms, or build with"
                + " builderRef arm");
    assertThat(c.pods.pod("main-0").received()).isEmpty();
  }

  @Test
  void aFailingPlatformFailsTheBuildAndCancelsTheOtherPart(TestInfo test) {
    var c = cluster(test, false);
    c.createRequest(
        "app",
        "main",
        20_000,
        s -> {
          s.setPlatforms(BOTH);
          s.getBuildArgs().put("FAKE_FAIL_PLATFORM", "linux/arm64");
        });
    await("the build to fail", WAIT, () -> c.phase("app") == BuildPhase.FAILED);
    assertThat(c.request("app").getStatus().getMessage())
        .isEqualTo(
            "platform linux/arm64 failed (BuildRequest app-linux-arm64): RUN make: exit code 2");
    await(
        "the amd64 part to be cancelled",
        WAIT,
        () -> c.phase("app-linux-amd64") == BuildPhase.CANCELLED);
    assertThat(events(c, "app", "PlatformFailed")).hasSize(1);
    assertThat(c.pods.pod("main-0").received()).as("no assembly").hasSize(1);
  }

  @Test
  void cancellingOrDeletingTheBuildStopsItsParts(TestInfo test) {
    var c = cluster(test, false);
    c.createRequest("first", "main", 20_000, s -> s.setPlatforms(BOTH));
    c.createRequest("second", "main", 20_000, s -> s.setPlatforms(BOTH));
    await(
        "the parts to run",
        WAIT,
        () -> c.pods.pod("arm-0").active() == 2 && c.pods.pod("main-0").active() == 2);

    c.editRequest("first", s -> s.setCancel(true));
    await("first to be cancelled", WAIT, () -> c.phase("first") == BuildPhase.CANCELLED);
    await(
        "first's parts to be cancelled",
        WAIT,
        () ->
            c.phase("first-linux-amd64") == BuildPhase.CANCELLED
                && c.phase("first-linux-arm64") == BuildPhase.CANCELLED);

    c.client.resource(c.request("second")).delete();
    await(
        "second's parts to be gone",
        WAIT,
        () -> c.request("second-linux-amd64") == null && c.request("second-linux-arm64") == null);
    await(
        "every part to have stopped on its pod",
        WAIT,
        () -> c.pods.pod("arm-0").active() == 0 && c.pods.pod("main-0").active() == 0);
  }

  @Test
  void anOperatorRestartedWhileThePartsRunFindsThemAndCreatesNoneTwice(TestInfo test) {
    var c = cluster(test, false);
    c.createRequest("app", "main", 3_000, s -> s.setPlatforms(BOTH));
    await(
        "both parts to run",
        WAIT,
        () ->
            c.phase("app-linux-arm64") == BuildPhase.RUNNING
                && c.phase("app-linux-amd64") == BuildPhase.RUNNING
                && c.pods.pod("arm-0").active() == 1
                && c.pods.pod("main-0").active() == 1);
    c.stopOperator();
    c.startOperator();
    await("the split build", WAIT, () -> c.phase("app") == BuildPhase.SUCCEEDED);
    assertThat(c.pods.pod("arm-0").received())
        .as(
            "the arm64 part, once; its events: %s",
            client.v1().events().inNamespace(c.namespace).list().getItems().stream()
                .filter(e -> e.getInvolvedObject().getName().equals("app-linux-arm64"))
                .map(e -> e.getReason() + ": " + e.getMessage())
                .toList())
        .hasSize(1);
    assertThat(c.pods.pod("main-0").received())
        .as("the amd64 part once, then the assembly")
        .hasSize(2);
    assertThat(events(c, "app", "PlatformSplit")).hasSize(2);
    assertThat(
            client
                .resources(BuildRequest.class)
                .inNamespace(c.namespace)
                .withLabel("slipway.dev/parent", "app")
                .list()
                .getItems())
        .hasSize(2);
  }

  @Test
  void aPartDeletedWhileItRunsFailsTheBuildAndIsNotCreatedAgain(TestInfo test) {
    var c = cluster(test, false);
    c.createRequest("app", "main", 20_000, s -> s.setPlatforms(BOTH));
    await(
        "both parts to run",
        WAIT,
        () ->
            c.phase("app-linux-arm64") == BuildPhase.RUNNING
                && c.phase("app-linux-amd64") == BuildPhase.RUNNING);
    c.client.resource(c.request("app-linux-arm64")).delete();
    await("the build to fail", WAIT, () -> c.phase("app") == BuildPhase.FAILED);
    assertThat(c.request("app").getStatus().getMessage())
        .isEqualTo(
            "platform linux/arm64 failed (BuildRequest app-linux-arm64): it was deleted while the"
                + " build ran");
    assertThat(c.request("app-linux-arm64")).as("not created again").isNull();
    assertThat(events(c, "app", "PlatformSplit")).hasSize(2);
    await(
        "the amd64 part to be cancelled",
        WAIT,
        () -> c.phase("app-linux-amd64") == BuildPhase.CANCELLED);
  }

  @Test
  void aNamesakeOfAChildFailsTheBuildInsteadOfJoiningIt(TestInfo test) {
    var c = cluster(test, false);
    c.createRequest("app-linux-arm64", "arm", 100, s -> {});
    await("the namesake", WAIT, () -> c.phase("app-linux-arm64") == BuildPhase.SUCCEEDED);
    c.createRequest("app", "main", 20_000, s -> s.setPlatforms(BOTH));
    await("the build to fail", WAIT, () -> c.phase("app") == BuildPhase.FAILED);
    assertThat(c.request("app").getStatus().getMessage())
        .isEqualTo(
            "platform linux/arm64 failed (BuildRequest app-linux-arm64): a BuildRequest of that"
                + " name exists and is not this build's part for the platform (another owner, or"
                + " a spec changed since); delete it or rename this one, then build again");
    await(
        "its amd64 part to be cancelled",
        WAIT,
        () -> c.phase("app-linux-amd64") == BuildPhase.CANCELLED);
    // the amd64 part may be cancelled before it reaches its pod: only the assembly must not come
    assertThat(c.pods.pod("main-0").received())
        .as("no assembly")
        .noneMatch(r -> r.request().hasAssembleIndex());
  }

  @Test
  void aPartThatFailsOnTheFirstPassFailsTheBuildAtOnceWithOneWarning(TestInfo test) {
    var c = cluster(test, false);
    // the first part's namesake, no child of anyone: nothing but the first pass looks at "app"
    c.createRequest("app-linux-amd64", "main", 100, s -> {});
    await("the namesake", WAIT, () -> c.phase("app-linux-amd64") == BuildPhase.SUCCEEDED);
    c.createRequest("app", "main", 20_000, s -> s.setPlatforms(BOTH));
    await("the build to fail", WAIT, () -> c.phase("app") == BuildPhase.FAILED);
    assertThat(c.request("app").getStatus().getConditions())
        .filteredOn(condition -> condition.getType().equals("Succeeded"))
        .singleElement()
        .satisfies(
            condition -> {
              assertThat(condition.getStatus()).isEqualTo("False");
              assertThat(condition.getReason()).isEqualTo("PlatformFailed");
            });
    assertThat(
            client.v1().events().inNamespace(c.namespace).list().getItems().stream()
                .filter(e -> "app".equals(e.getInvolvedObject().getName()))
                .filter(e -> "PlatformFailed".equals(e.getReason()))
                .map(Event::getType)
                .toList())
        .containsExactly("Warning");
    assertThat(c.request("app-linux-arm64")).as("no part after the failed one").isNull();
  }

  private static List<String> events(OperatorHarness<?> c, String name, String reason) {
    return client.v1().events().inNamespace(c.namespace).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .filter(e -> reason.equals(e.getReason()))
        .map(Event::getMessage)
        .toList();
  }
}
