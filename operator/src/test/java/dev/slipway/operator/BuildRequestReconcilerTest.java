package dev.slipway.operator;

import static dev.slipway.operator.testing.OperatorHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.control.v1.BuildContext;
import dev.slipway.api.control.v1.BuildState;
import dev.slipway.api.control.v1.GitContext;
import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestStatus;
import dev.slipway.api.resource.DockerfileSource;
import dev.slipway.operator.build.ContextKeys;
import dev.slipway.operator.testing.FakeBuilderPod;
import dev.slipway.operator.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

@EnableKubernetesMockClient(crud = true)
class BuildRequestReconcilerTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  static KubernetesClient client;
  private OperatorHarness<FakeBuilderPod> cluster;

  private OperatorHarness<FakeBuilderPod> cluster(TestInfo test, int maxParallelPerPod) {
    cluster =
        OperatorHarness.withFakePods(
            client, test.getTestMethod().orElseThrow().getName().toLowerCase(), maxParallelPerPod);
    return cluster;
  }

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void manyRequestsOnOneSmallBuilderAllFinishInOrder(TestInfo test) {
    var c = cluster(test, 2);
    c.createBuilder("small", 1, 2);
    await("a ready builder pod", WAIT, () -> c.pods.pod("small-0") != null);
    int count = 12;
    AtomicInteger maxPosition = new AtomicInteger();
    List<String> names =
        IntStream.range(0, count).mapToObj(i -> String.format("build-%02d", i)).toList();
    names.forEach(n -> c.createRequest(n, "small", 150, s -> {}));

    await(
        "every build to succeed",
        WAIT,
        () -> {
          names.forEach(
              n -> {
                BuildRequest r = c.request(n);
                if (r != null
                    && r.getStatus() != null
                    && r.getStatus().getQueuePosition() != null) {
                  maxPosition.accumulateAndGet(r.getStatus().getQueuePosition(), Math::max);
                }
              });
          return names.stream().allMatch(n -> c.phase(n) == BuildPhase.SUCCEEDED);
        });

    FakeBuilderPod pod = c.pods.pod("small-0");
    List<String> solvedInOrder = new ArrayList<>();
    pod.received().forEach(r -> solvedInOrder.add(r.request().getContext().getGit().getUrl()));
    assertThat(solvedInOrder).as("each built once").hasSize(count).doesNotHaveDuplicates();
    // Two slots: builds granted a slot together may reach the pod in either order, but no build
    // overtakes one that was created more than a slot's width before it.
    for (int i = 0; i < count; i++) {
      int place = solvedInOrder.indexOf("git://127.0.0.1/" + names.get(i) + ".git");
      assertThat(Math.abs(place - i))
          .as("first come, first served: %s started %d-th", names.get(i), place)
          .isLessThan(2);
    }
    assertThat(pod.peakActive())
        .as("never more than maxParallelBuilds at once")
        .isLessThanOrEqualTo(2);
    assertThat(maxPosition.get()).as("builds waited in the queue").isGreaterThanOrEqualTo(2);
    BuildRequest last = c.request("build-11");
    assertThat(last.getStatus().getQueuePosition()).isNull();
    assertThat(last.getStatus().getSteps().getDone()).isEqualTo(3);
    assertThat(last.getStatus().getResult().getDigest()).startsWith("sha256:");
    assertThat(last.getStatus().getCompletionTime()).isNotNull();
    assertThat(last.getStatus().getBuilderPod()).isEqualTo("small-0");
    assertThat(last.getStatus().getHistoryRef())
        .as("kept after the end: where slipway history reads the record")
        .isEqualTo("small-0/" + last.getStatus().getBuildId());
  }

  @Test
  void prefersThePodThatBuiltTheContextThenTheLeastLoaded(TestInfo test) {
    var c = cluster(test, 2);
    c.createBuilder("pool", 2, 2);
    await(
        "two builder pods",
        WAIT,
        () ->
            c.pods.pod("pool-1") != null
                && c.builder("pool").getStatus() != null
                && c.builder("pool").getStatus().getReadyReplicas() == 2);
    String warmKey =
        ContextKeys.of(
            BuildContext.newBuilder()
                .setGit(GitContext.newBuilder().setUrl("git://127.0.0.1/warm.git"))
                .build(),
            null);
    c.pods.pod("pool-1").warm(warmKey);

    c.createRequest("warm", "pool", 100, s -> {});
    await("the warm build", WAIT, () -> c.phase("warm") == BuildPhase.SUCCEEDED);
    assertThat(c.request("warm").getStatus().getBuilderPod())
        .as("cache affinity")
        .isEqualTo("pool-1");

    c.createRequest("long", "pool", 5_000, s -> {});
    await("the long build to run", WAIT, () -> c.phase("long") == BuildPhase.RUNNING);
    String busy = c.request("long").getStatus().getBuilderPod();
    c.createRequest("cold", "pool", 100, s -> {});
    await("the cold build", WAIT, () -> c.phase("cold") == BuildPhase.SUCCEEDED);
    assertThat(c.request("cold").getStatus().getBuilderPod()).as("least loaded").isNotEqualTo(busy);
  }

  @Test
  void thePlacementAndItsReasonAreInTheStatusTheConditionAndOneEvent(TestInfo test)
      throws Exception {
    var c = cluster(test, 2);
    c.createBuilder("pool", 2, 2);
    await(
        "two builder pods",
        WAIT,
        () ->
            c.pods.pod("pool-1") != null
                && c.builder("pool").getStatus() != null
                && c.builder("pool").getStatus().getReadyReplicas() == 2);
    String dockerfile = "FROM 127.0.0.1:5000/busybox:latest\nRUN make\n";
    c.pods
        .pod("pool-1")
        .warmDockerfile(
            HexFormat.of()
                .formatHex(
                    MessageDigest.getInstance("SHA-256")
                        .digest(dockerfile.getBytes(StandardCharsets.UTF_8))));

    c.createRequest(
        "same-dockerfile",
        "pool",
        100,
        s -> {
          DockerfileSource inline = new DockerfileSource();
          inline.setInline(dockerfile);
          s.setDockerfile(inline);
        });
    await("the build", WAIT, () -> c.phase("same-dockerfile") == BuildPhase.SUCCEEDED);
    BuildRequestStatus warm = c.request("same-dockerfile").getStatus();
    assertThat(warm.getBuilderPod()).isEqualTo("pool-1");
    assertThat(warm.getPlacement().getPod()).isEqualTo("pool-1");
    assertThat(warm.getPlacement().getReason()).isEqualTo("CacheAffinity");
    assertThat(warm.getPlacement().getMessage())
        .isEqualTo(
            "placed on pool-1: it holds this build's Dockerfile (score 2; no other pod held"
                + " any)");
    assertThat(warm.getConditions())
        .filteredOn(k -> k.getType().equals("Scheduled"))
        .singleElement()
        .satisfies(
            k -> {
              assertThat(k.getStatus()).isEqualTo("True");
              assertThat(k.getReason()).isEqualTo("CacheAffinity");
              assertThat(k.getMessage()).isEqualTo(warm.getPlacement().getMessage());
            });
    assertThat(placedEvents(c, "same-dockerfile"))
        .as("one Placed event for the one attempt")
        .containsExactly(warm.getPlacement().getMessage() + " (attempt 1 of 3)");

    c.createRequest("cold", "pool", 100, s -> {});
    await("the cold build", WAIT, () -> c.phase("cold") == BuildPhase.SUCCEEDED);
    BuildRequestStatus cold = c.request("cold").getStatus();
    assertThat(cold.getPlacement().getReason()).isEqualTo("LeastLoaded");
    assertThat(cold.getPlacement().getMessage())
        .startsWith("placed on " + cold.getBuilderPod() + ": no pod with a free slot holds any");
    assertThat(placedEvents(c, "cold")).hasSize(1);
  }

  private static List<String> placedEvents(OperatorHarness<?> c, String name) {
    return client.v1().events().inNamespace(c.namespace).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .filter(e -> "Placed".equals(e.getReason()))
        .map(Event::getMessage)
        .toList();
  }

  @Test
  void aClientContextBuildIsServedByTheSessionOfTheCliThatCreatedIt(TestInfo test) {
    var c = cluster(test, 2);
    c.createBuilder("b", 1, 2);
    c.createRequest(
        "from-cli",
        "b",
        100,
        s -> {
          dev.slipway.api.resource.ClientContext client =
              new dev.slipway.api.resource.ClientContext();
          client.setSessionId("cli-session-1");
          client.setAffinityKey("sha256-abc");
          dev.slipway.api.resource.BuildContextSource context =
              new dev.slipway.api.resource.BuildContextSource();
          context.setClient(client);
          s.setContext(context);
        });
    await("the client build", WAIT, () -> c.phase("from-cli") == BuildPhase.SUCCEEDED);

    var solve = c.pods.pod("b-0").received().getLast().request();
    assertThat(solve.getSessionId()).isEqualTo("cli-session-1");
    assertThat(solve.getContext().hasClient()).isTrue();
  }

  @Test
  void namedContextsOfAGitOpsBuildReachTheBuilderAsWritten(TestInfo test) {
    var c = cluster(test, 2);
    c.createBuilder("b", 1, 2);
    c.createRequest(
        "named",
        "b",
        100,
        s -> {
          var image = new dev.slipway.api.resource.NamedBuildContext();
          image.setImage("127.0.0.1:5000/busybox:latest");
          var git = new dev.slipway.api.resource.NamedBuildContext();
          git.setGit("git://127.0.0.1/tools.git#v1:bin");
          s.setBuildContexts(java.util.Map.of("base", image, "tools", git));
        });
    await("the build with named contexts", WAIT, () -> c.phase("named") == BuildPhase.SUCCEEDED);

    var solve = c.pods.pod("b-0").received().getLast().request();
    assertThat(solve.getNamedContextsMap()).containsOnlyKeys("base", "tools");
    assertThat(solve.getNamedContextsOrThrow("base").getImage())
        .isEqualTo("127.0.0.1:5000/busybox:latest");
    assertThat(solve.getNamedContextsOrThrow("tools").getGit())
        .isEqualTo("git://127.0.0.1/tools.git#v1:bin");
  }

  @Test
  void aSigningKeyInASecretIsAskedForUnderItsReservedSecretId(TestInfo test) {
    var c = cluster(test, 2);
    c.createBuilder("b", 1, 2);
    c.client
        .resource(
            new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata()
                .withName("cosign-key")
                .withNamespace(c.namespace)
                .endMetadata()
                .addToStringData("key.pem", "-----BEGIN PRIVATE KEY-----")
                .build())
        .create();
    c.createRequest(
        "signed",
        "b",
        50,
        s -> {
          var signing = new dev.slipway.api.resource.ImageSigning();
          signing.setKeySecretRef(
              new io.fabric8.kubernetes.api.model.SecretKeySelector(
                  "key.pem", "cosign-key", false));
          s.setSigning(signing);
        });
    await("the signed build", WAIT, () -> c.phase("signed") == BuildPhase.SUCCEEDED);

    var solve = c.pods.pod("b-0").received().getLast().request();
    assertThat(solve.getSigningKeySecretId())
        .isEqualTo(dev.slipway.operator.build.SolveRequests.SIGNING_KEY_SECRET_ID);
    assertThat(solve.getSessionId()).as("the operator's session serves the key").isNotEmpty();
    assertThat(solve.getSecretIdsList()).isEmpty();
    assertThat(solve.toString()).doesNotContain("BEGIN PRIVATE KEY", "cosign-key");
  }

  @Test
  void aSecretTakingTheSigningKeysReservedIdIsRefused(TestInfo test) {
    var c = cluster(test, 2);
    c.createBuilder("b", 1, 2);
    c.createRequest(
        "squatter",
        "b",
        50,
        s -> {
          var mount = new dev.slipway.api.resource.SecretMount();
          mount.setId(dev.slipway.operator.build.SolveRequests.SIGNING_KEY_SECRET_ID);
          mount.setSecretKeyRef(
              new io.fabric8.kubernetes.api.model.SecretKeySelector("k", "any", false));
          s.setSecrets(List.of(mount));
        });
    await("a message", WAIT, () -> c.request("squatter").getStatus() != null);
    assertThat(c.request("squatter").getStatus().getMessage())
        .contains("spec.secrets[0].id: \"slipway.signing-key\" is reserved for spec.signing's key");
    FakeBuilderPod pod = c.pods.pod("b-0");
    assertThat(pod == null || pod.received().isEmpty()).as("no build started").isTrue();
  }

  @Test
  void cancelStopsTheBuildOnItsPod(TestInfo test) {
    var c = cluster(test, 2);
    c.createBuilder("b", 1, 2);
    c.createRequest("slow", "b", 20_000, s -> {});
    await("running", WAIT, () -> c.phase("slow") == BuildPhase.RUNNING);
    String buildId = c.request("slow").getStatus().getBuildId();

    c.editRequest("slow", s -> s.setCancel(true));

    await("cancelled", WAIT, () -> c.phase("slow") == BuildPhase.CANCELLED);
    assertThat(c.pods.pod("b-0").state(buildId)).isEqualTo(BuildState.BUILD_STATE_CANCELLED);
    assertThat(c.request("slow").getStatus().getMessage()).contains("spec.cancel");
    awaitEvents(c, "slow", "Normal/Placed", "Normal/Cancelled");
  }

  @Test
  void deletingARunningRequestCancelsItFirst(TestInfo test) {
    var c = cluster(test, 2);
    c.createBuilder("b", 1, 2);
    c.createRequest("doomed", "b", 20_000, s -> {});
    await("running", WAIT, () -> c.phase("doomed") == BuildPhase.RUNNING);
    String buildId = c.request("doomed").getStatus().getBuildId();
    assertThat(c.request("doomed").getMetadata().getFinalizers()).isNotEmpty();

    client.resource(c.request("doomed")).delete();

    await("deleted", WAIT, () -> c.request("doomed") == null);
    assertThat(c.pods.pod("b-0").state(buildId)).isEqualTo(BuildState.BUILD_STATE_CANCELLED);
  }

  @Test
  void deletingARunningRequestFreesItsSlot(TestInfo test) {
    var c = cluster(test, 1);
    c.createBuilder("b", 1, 1);
    c.createRequest("doomed", "b", 60_000, s -> {});
    await("running", WAIT, () -> c.phase("doomed") == BuildPhase.RUNNING);
    awaitOnPod(c, "b-0", c.request("doomed").getStatus().getBuildId());

    client.resource(c.request("doomed")).delete();
    await("deleted", WAIT, () -> c.request("doomed") == null);
    c.createRequest("next", "b", 50, s -> {});

    await("the next build, in the freed slot", WAIT, () -> c.phase("next") == BuildPhase.SUCCEEDED);
  }

  @Test
  void timeoutFailsAndCancelsTheBuild(TestInfo test) {
    var c = cluster(test, 2);
    c.createBuilder("b", 1, 2);
    c.createRequest("forever", "b", 60_000, s -> s.setTimeoutSeconds(1L));
    await("failed", WAIT, () -> c.phase("forever") == BuildPhase.FAILED);
    BuildRequest r = c.request("forever");
    assertThat(r.getStatus().getMessage()).contains("timed out after 1s");
    assertThat(c.pods.pod("b-0").state(r.getStatus().getBuildId()))
        .isEqualTo(BuildState.BUILD_STATE_CANCELLED);
    awaitEvents(c, "forever", "Warning/TimedOut");
  }

  @Test
  void finishedRequestsAreDeletedAfterTheirTtl(TestInfo test) {
    var c = cluster(test, 2);
    c.createBuilder("b", 1, 2);
    c.createRequest("short-lived", "b", 50, s -> s.setTtlSecondsAfterFinished(1));
    await("succeeded", WAIT, () -> c.phase("short-lived") == BuildPhase.SUCCEEDED);
    await("deleted by its ttl", WAIT, () -> c.request("short-lived") == null);
  }

  @Test
  void aLostPodIsRetriedThenTheBuildFails(TestInfo test) {
    var c = cluster(test, 2);
    c.createBuilder("b", 1, 2);
    c.createRequest("unlucky", "b", 60_000, s -> s.setRetries(1));
    await("running", WAIT, () -> c.phase("unlucky") == BuildPhase.RUNNING);
    awaitOnPod(c, "b-0", c.request("unlucky").getStatus().getBuildId());
    var set = client.apps().statefulSets().inNamespace(c.namespace).withName("b").get();

    c.pods.kill("b-0");
    c.pods.start(set, "b-0");
    await(
        "the second attempt",
        WAIT,
        () -> {
          BuildRequest r = c.request("unlucky");
          return r.getStatus().getAttempts() == 2 && r.getStatus().getPhase() == BuildPhase.RUNNING;
        });
    assertThat(c.request("unlucky").getStatus().getBuildId()).endsWith("-2");
    awaitOnPod(c, "b-0", c.request("unlucky").getStatus().getBuildId());

    c.pods.kill("b-0");
    c.pods.start(set, "b-0");
    await("failed", WAIT, () -> c.phase("unlucky") == BuildPhase.FAILED);
    assertThat(c.request("unlucky").getStatus().getMessage())
        .contains("lost mid-build")
        .contains("attempt 2 of 2");
    awaitEvents(c, "unlucky", "Warning/Retrying", "Warning/PodLost");
  }

  @Test
  void aBuildItsBuilderCancelledUnaskedIsRetriedLikeALostPod(TestInfo test) {
    var c = cluster(test, 2);
    c.createBuilder("b", 1, 2);
    c.createRequest("interrupted", "b", 60_000, s -> s.setRetries(1));
    await("running", WAIT, () -> c.phase("interrupted") == BuildPhase.RUNNING);
    String first = c.request("interrupted").getStatus().getBuildId();
    awaitOnPod(c, "b-0", first);

    c.pods.pod("b-0").shutDownBuilds();
    await(
        "the second attempt, or an end",
        WAIT,
        () -> {
          BuildRequest r = c.request("interrupted");
          return Integer.valueOf(2).equals(r.getStatus().getAttempts())
                  && r.getStatus().getPhase() == BuildPhase.RUNNING
              || r.getStatus().getCompletionTime() != null;
        });
    BuildRequest retried = c.request("interrupted");
    assertThat(retried.getStatus().getPhase())
        .as("a cancel without spec.cancel is not the user's: %s", retried.getStatus().getMessage())
        .isEqualTo(BuildPhase.RUNNING);
    assertThat(retried.getStatus().getAttempts()).isEqualTo(2);
    assertThat(retried.getStatus().getBuildId()).endsWith("-2").isNotEqualTo(first);
    awaitOnPod(c, "b-0", retried.getStatus().getBuildId());

    c.pods.pod("b-0").shutDownBuilds();
    await("an end", WAIT, () -> c.request("interrupted").getStatus().getCompletionTime() != null);
    BuildRequest failed = c.request("interrupted");
    assertThat(failed.getStatus().getPhase()).isEqualTo(BuildPhase.FAILED);
    assertThat(failed.getStatus().getMessage())
        .contains("builder pod b-0")
        .contains("the builder is shutting down")
        .contains("attempt 2 of 2");
    assertThat(awaitEvents(c, "interrupted", "Warning/Retrying", "Warning/PodLost"))
        .doesNotContain("Normal/Cancelled");
  }

  @Test
  void withoutRetriesABuildItsBuilderCancelledUnaskedFailsNamingThePod(TestInfo test) {
    var c = cluster(test, 2);
    c.createBuilder("b", 1, 2);
    c.createRequest("once", "b", 60_000, s -> s.setRetries(0));
    await("running", WAIT, () -> c.phase("once") == BuildPhase.RUNNING);
    awaitOnPod(c, "b-0", c.request("once").getStatus().getBuildId());

    c.pods.pod("b-0").shutDownBuilds();

    await("an end", WAIT, () -> c.request("once").getStatus().getCompletionTime() != null);
    BuildRequest r = c.request("once");
    assertThat(r.getStatus().getPhase()).isEqualTo(BuildPhase.FAILED);
    assertThat(r.getStatus().getMessage())
        .contains("builder pod b-0")
        .contains("the builder is shutting down")
        .contains("raise spec.retries");
    assertThat(r.getStatus().getAttempts()).isEqualTo(1);
  }

  @Test
  void aMissingBuilderIsReportedUntilItExists(TestInfo test) {
    var c = cluster(test, 2);
    c.createRequest("early", "later", 50, s -> {});
    await("a message", WAIT, () -> c.request("early").getStatus() != null);
    BuildRequest r = c.request("early");
    assertThat(r.getStatus().getPhase()).isEqualTo(BuildPhase.PENDING);
    assertThat(r.getStatus().getMessage()).contains("Builder \"later\" does not exist");
    awaitEvents(c, "early", "Warning/Invalid");

    c.createBuilder("later", 1, 2);
    await("built once the Builder exists", WAIT, () -> c.phase("early") == BuildPhase.SUCCEEDED);
  }

  @Test
  void aFailedStepFailsTheRequest(TestInfo test) {
    var c = cluster(test, 2);
    c.createBuilder("b", 1, 2);
    c.createRequest("broken", "b", 50, s -> s.getBuildArgs().put("FAKE_OUTCOME", "fail"));
    await("failed", WAIT, () -> c.phase("broken") == BuildPhase.FAILED);
    assertThat(c.request("broken").getStatus().getMessage()).contains("exit code 2");
  }

  @Test
  void aRestartedOperatorReattachesInsteadOfBuildingTwice(TestInfo test) {
    var c = cluster(test, 2);
    c.createBuilder("b", 1, 2);
    c.createRequest("survivor", "b", 3_000, s -> {});
    await("running", WAIT, () -> c.phase("survivor") == BuildPhase.RUNNING);

    c.stopOperator();
    c.startOperator();

    await("succeeded", WAIT, () -> c.phase("survivor") == BuildPhase.SUCCEEDED);
    assertThat(c.pods.pod("b-0").received()).hasSize(1);
    assertThat(c.request("survivor").getStatus().getAttempts()).isEqualTo(1);
  }

  /** The phase is Running before the Solve reaches the pod: wait until the pod runs the build. */
  private static void awaitOnPod(OperatorHarness<FakeBuilderPod> c, String pod, String buildId) {
    await(
        "build " + buildId + " running on " + pod,
        WAIT,
        () -> c.pods.pod(pod).state(buildId) == BuildState.BUILD_STATE_RUNNING);
  }

  /** The request's events once they include {@code expected}: events follow the status. */
  private static List<String> awaitEvents(OperatorHarness<?> c, String name, String... expected) {
    await(
        "events " + List.of(expected) + " of " + name,
        WAIT,
        () -> events(c, name).containsAll(List.of(expected)));
    return events(c, name);
  }

  private static List<String> events(OperatorHarness<?> c, String name) {
    return client.v1().events().inNamespace(c.namespace).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .map((Event e) -> e.getType() + "/" + e.getReason())
        .toList();
  }
}
