package dev.slipway.operator;

import static dev.slipway.operator.testing.OperatorHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.control.v1.BuildState;
import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.SlipwayResources;
import dev.slipway.operator.testing.FakeBuilderPod;
import dev.slipway.operator.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * What {@code kubectl wait} and {@code kubectl describe} read: the BuildRequest's {@code Succeeded}
 * condition through its phases, the Builder's {@code Ready}, and one Event per change.
 */
@EnableKubernetesMockClient(crud = true)
class ConditionsAndEventsTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  /** An Event's reason, as Kubernetes' own: UpperCamelCase, letters only. */
  private static final Pattern CAMEL_CASE = Pattern.compile("[A-Z][a-z]+(?:[A-Z][a-z]+)*");

  static KubernetesClient client;
  private OperatorHarness<FakeBuilderPod> cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void succeededIsUnknownWhileQueuedAndRunningThenTrueOrFalseWithOneEventPerPhase(TestInfo test) {
    var c = cluster = OperatorHarness.withFakePods(client, name(test), 1);
    c.createBuilder("b", 1, 1);
    await("a ready builder pod", WAIT, () -> readyReplicas(c, "b") == 1);
    c.createRequest("first", "b", 4_000, s -> {});
    await("first to run", WAIT, () -> c.phase("first") == BuildPhase.RUNNING);
    c.createRequest("second", "b", 1_500, s -> {});
    await("second to queue", WAIT, () -> c.phase("second") == BuildPhase.QUEUED);

    Condition queued = succeeded(c.request("second"));
    assertThat(queued.getStatus()).isEqualTo("Unknown");
    assertThat(queued.getReason()).isEqualTo("Queued");
    assertThat(queued.getMessage()).isEqualTo(c.request("second").getStatus().getMessage());
    assertThat(queued.getObservedGeneration())
        .isEqualTo(c.request("second").getMetadata().getGeneration());

    // Queued and running requests are reconciled again by the new operator: no event again.
    c.stopOperator();
    c.startOperator();

    await("second to run", WAIT, () -> c.phase("second") == BuildPhase.RUNNING);
    Condition running = succeeded(c.request("second"));
    assertThat(running.getStatus()).isEqualTo("Unknown");
    assertThat(running.getReason()).isEqualTo("Running");
    assertThat(running.getLastTransitionTime())
        .as("still Unknown: the transition time stays")
        .isEqualTo(queued.getLastTransitionTime());

    await("second to succeed", WAIT, () -> c.phase("second") == BuildPhase.SUCCEEDED);
    BuildRequest done = c.request("second");
    Condition succeeded = succeeded(done);
    assertThat(succeeded.getStatus()).isEqualTo("True");
    assertThat(succeeded.getReason()).isEqualTo("Succeeded");
    assertThat(succeeded.getMessage()).startsWith("built sha256:");
    assertThat(Instant.parse(succeeded.getLastTransitionTime()))
        .isAfter(Instant.parse(queued.getLastTransitionTime()));
    assertThat(done.getStatus().getConditions())
        .extracting(k -> k.getType() + "=" + k.getStatus())
        .as("the conditions there were before stay")
        .containsExactly("Complete=True", "Running=False", "Scheduled=True", "Succeeded=True");

    c.createRequest("broken", "b", 50, s -> s.getBuildArgs().put("FAKE_OUTCOME", "fail"));
    await("broken to fail", WAIT, () -> c.phase("broken") == BuildPhase.FAILED);
    Condition failed = succeeded(c.request("broken"));
    assertThat(failed.getStatus()).isEqualTo("False");
    assertThat(failed.getReason()).isEqualTo("Failed");
    assertThat(failed.getMessage()).contains("exit code 2");

    assertThat(awaitEvents(c, "first", "Normal/Succeeded"))
        .as("the restart re-attached to it: one Placed")
        .containsExactly("Normal/Placed", "Normal/Succeeded");
    assertThat(awaitEvents(c, "second", "Normal/Succeeded"))
        .as("queued across a recheck and a restart: one Queued")
        .containsExactly("Normal/Queued", "Normal/Placed", "Normal/Succeeded");
    assertThat(awaitEvents(c, "broken", "Warning/Failed"))
        .containsExactly("Normal/Placed", "Warning/Failed");

    Event placed =
        events(c).stream()
            .filter(e -> e.getInvolvedObject().getName().equals("second"))
            .filter(e -> e.getReason().equals("Placed"))
            .findFirst()
            .orElseThrow();
    assertThat(placed.getInvolvedObject().getKind()).isEqualTo("BuildRequest");
    assertThat(placed.getInvolvedObject().getApiVersion()).isEqualTo(SlipwayResources.API_VERSION);
    assertThat(placed.getInvolvedObject().getUid()).isEqualTo(done.getMetadata().getUid());
    assertThat(placed.getMessage()).startsWith("placed on b-0: ").endsWith("(attempt 1 of 3)");
  }

  @Test
  void problemsRetriesAndEndsAreEventsWithCamelCaseReasonsAndTheBuilderSaysWhenItIsReady(
      TestInfo test) {
    var c = cluster = OperatorHarness.withFakePods(client, name(test), 2);
    c.createRequest("early", "later", 3_000, s -> s.setRetries(1));
    await("early to be invalid", WAIT, () -> c.request("early").getStatus() != null);
    Condition invalid = succeeded(c.request("early"));
    assertThat(invalid.getStatus()).isEqualTo("False");
    assertThat(invalid.getReason()).isEqualTo("Invalid");
    assertThat(invalid.getMessage()).contains("Builder \"later\" does not exist");

    c.createBuilder("later", 0, 2);
    await("early to wait for a pod", WAIT, () -> c.phase("early") == BuildPhase.WAITING_FOR_POD);
    assertThat(succeeded(c.request("early")).getStatus()).isEqualTo("Unknown");
    assertThat(succeeded(c.request("early")).getReason()).isEqualTo("WaitingForPod");
    await("a Ready Builder of no pods", WAIT, () -> ready(c, "later").equals("True"));

    c.editBuilder("later", s -> s.setReplicas(1));
    await("early to run", WAIT, () -> c.phase("early") == BuildPhase.RUNNING);
    await("later to be Ready", WAIT, () -> ready(c, "later").equals("True"));
    var set = client.apps().statefulSets().inNamespace(c.namespace).withName("later").get();
    await(
        "the build on its pod",
        WAIT,
        () ->
            c.pods.pod("later-0") != null
                && c.pods.pod("later-0").state(c.request("early").getStatus().getBuildId())
                    == BuildState.BUILD_STATE_RUNNING);
    c.pods.kill("later-0");
    await("later not to be Ready", WAIT, () -> ready(c, "later").equals("False"));
    await(
        "early's retry to wait for a pod",
        WAIT,
        () ->
            c.phase("early") == BuildPhase.WAITING_FOR_POD
                && c.request("early").getStatus().getAttempts() == 1);
    c.pods.start(set, "later-0");
    await("early to succeed on attempt 2", WAIT, () -> c.phase("early") == BuildPhase.SUCCEEDED);
    assertThat(c.request("early").getStatus().getAttempts()).isEqualTo(2);

    c.createRequest("slow", "later", 20_000, s -> {});
    await("slow to run", WAIT, () -> c.phase("slow") == BuildPhase.RUNNING);
    c.editRequest("slow", s -> s.setCancel(true));
    c.createRequest("forever", "later", 60_000, s -> s.setTimeoutSeconds(1L));
    await("slow cancelled", WAIT, () -> c.phase("slow") == BuildPhase.CANCELLED);
    await("forever timed out", WAIT, () -> c.phase("forever") == BuildPhase.FAILED);
    assertThat(succeeded(c.request("slow")).getStatus()).isEqualTo("False");
    assertThat(succeeded(c.request("slow")).getReason()).isEqualTo("Cancelled");
    assertThat(succeeded(c.request("forever")).getReason()).isEqualTo("TimedOut");

    List<String> early = awaitEvents(c, "early", "Normal/Succeeded");
    for (int i = 1; i < early.size(); i++) {
      assertThat(early.get(i))
          .as("no change twice in a row: %s", early)
          .isNotEqualTo(early.get(i - 1));
    }
    assertThat(early.stream().filter(e -> !e.equals("Normal/Queued")))
        .as("a pod that just came back may have no free slot yet: Queued before Placed")
        .containsExactly(
            "Warning/Invalid",
            "Normal/WaitingForPod",
            "Normal/Placed",
            "Warning/Retrying",
            "Normal/WaitingForPod",
            "Normal/Placed",
            "Normal/Succeeded");
    assertThat(awaitEvents(c, "slow", "Normal/Cancelled"))
        .containsExactly("Normal/Placed", "Normal/Cancelled");
    assertThat(awaitEvents(c, "forever", "Warning/TimedOut"))
        .containsExactly("Normal/Placed", "Warning/TimedOut");
    assertThat(events(c, "later"))
        .as("Ready changes of the Builder: starting and scaling are Normal, a lost pod is not")
        .containsSubsequence(
            "Normal/AllPodsReady",
            "Normal/PodsNotReady",
            "Normal/AllPodsReady",
            "Warning/PodsNotReady",
            "Normal/AllPodsReady");
    assertThat(events(c))
        .as("every reason is CamelCase")
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.getReason()).matches(CAMEL_CASE));
  }

  private static String name(TestInfo test) {
    return test.getTestMethod().orElseThrow().getName().toLowerCase().substring(0, 40);
  }

  private static Condition succeeded(BuildRequest request) {
    return request.getStatus().getConditions().stream()
        .filter(k -> k.getType().equals("Succeeded"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no Succeeded condition: " + request.getStatus()));
  }

  private static String ready(OperatorHarness<?> c, String builder) {
    var b = c.builder(builder);
    return b == null || b.getStatus() == null
        ? ""
        : b.getStatus().getConditions().stream()
            .filter(k -> k.getType().equals("Ready"))
            .map(Condition::getStatus)
            .findFirst()
            .orElse("");
  }

  private static int readyReplicas(OperatorHarness<?> c, String builder) {
    var b = c.builder(builder);
    return b == null || b.getStatus() == null || b.getStatus().getReadyReplicas() == null
        ? 0
        : b.getStatus().getReadyReplicas();
  }

  /** The object's events once they include {@code last}: events follow the status. */
  private static List<String> awaitEvents(OperatorHarness<?> c, String name, String last) {
    await("event " + last + " of " + name, WAIT, () -> events(c, name).contains(last));
    return events(c, name);
  }

  /** TYPE/Reason of the object's events, oldest first. */
  private static List<String> events(OperatorHarness<?> c, String name) {
    return events(c).stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .map(e -> e.getType() + "/" + e.getReason())
        .toList();
  }

  private static List<Event> events(OperatorHarness<?> c) {
    return client.v1().events().inNamespace(c.namespace).list().getItems().stream()
        .sorted(Comparator.comparing((Event e) -> Instant.parse(e.getFirstTimestamp())))
        .toList();
  }
}
