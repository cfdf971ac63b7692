package dev.slipway.e2e.journeys;

import static dev.slipway.e2e.SlipwayInstallation.BUILDER;
import static dev.slipway.e2e.journeys.BuildsNamespace.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.BuildPhase;
import dev.slipway.e2e.Await;
import dev.slipway.e2e.LoopbackCluster;
import dev.slipway.testing.Busybox;
import dev.slipway.testing.Command;
import dev.slipway.testing.GitDaemon;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A pipeline waits for its build with the real {@code kubectl wait} only, as docs/builder.md's
 * recipes say: the Builder's {@code Ready}, a BuildRequest's {@code Succeeded} for success, {@code
 * Succeeded=false} or the phase for failure; {@code kubectl get events} shows each phase change.
 */
final class KubectlWaitJourney {

  /** Long enough for a build of a few steps on the shared machine. */
  private static final String BUILD_WAIT = "--timeout=4m";

  private final LoopbackCluster cluster;
  private final BuildsNamespace builds;
  private final GitDaemon git;

  KubectlWaitJourney(LoopbackCluster cluster, BuildsNamespace builds, GitDaemon git) {
    this.cluster = cluster;
    this.builds = builds;
    this.git = git;
  }

  void kubectlWaitsForSuccessAndForFailure() throws Exception {
    Command.Result ready =
        kubectl("wait", "--for=condition=Ready", "builder/" + BUILDER, "--timeout=2m");
    assertThat(ready.exitCode()).as(ready.toString()).isZero();
    assertThat(ready.stdout()).contains("condition met");

    String passes =
        git.publish(
            "waits-ok",
            Map.of(
                "Dockerfile",
                "FROM " + Busybox.IN_REGISTRY + "\nARG NONCE\nRUN echo $NONCE > /built\n"));
    String fails =
        git.publish(
            "waits-fail",
            Map.of(
                "Dockerfile",
                "FROM " + Busybox.IN_REGISTRY + "\nARG NONCE\nRUN echo $NONCE && exit 1\n"));
    builds.apply(builds.buildRequest("wait-ok", passes, 0));
    builds.apply(builds.buildRequest("wait-fail", fails, 0));

    Command.Result succeeded =
        kubectl("wait", "--for=condition=Succeeded", "buildrequest/wait-ok", BUILD_WAIT);
    assertThat(succeeded.exitCode()).as(succeeded.toString()).isZero();
    assertThat(builds.request("wait-ok").getStatus().getPhase()).isEqualTo(BuildPhase.SUCCEEDED);

    Command.Result failedPhase =
        kubectl("wait", "--for=jsonpath={.status.phase}=Failed", "br/wait-fail", BUILD_WAIT);
    assertThat(failedPhase.exitCode()).as(failedPhase.toString()).isZero();
    Command.Result notSucceeded =
        kubectl("wait", "--for=condition=Succeeded=false", "br/wait-fail", "--timeout=30s");
    assertThat(notSucceeded.exitCode()).as(notSucceeded.toString()).isZero();
    Command.Result neverSucceeds =
        kubectl("wait", "--for=condition=Succeeded", "br/wait-fail", "--timeout=3s");
    assertThat(neverSucceeds.exitCode()).as("a failed build never succeeds").isNotZero();
    assertThat(neverSucceeds.stderr()).contains("timed out");
    Command.Result ended =
        kubectl(
            "wait",
            "--for=jsonpath={.status.completionTime}",
            "br/wait-ok",
            "br/wait-fail",
            "--timeout=30s");
    assertThat(ended.exitCode()).as("either end: " + ended).isZero();

    assertThat(
            kubectl(
                    "get",
                    "br",
                    "wait-fail",
                    "-o",
                    "jsonpath={.status.conditions[?(@.type==\"Succeeded\")].reason}")
                .requireSuccess()
                .stdout())
        .isEqualTo("Failed");
    assertThat(kubectl("get", "br", "wait-fail", "-o", "wide").requireSuccess().stdout())
        .as("the wide listing says why it ended")
        .contains("REASON")
        .contains("Failed");

    assertThat(awaitEvents("wait-ok", "Normal/Succeeded"))
        .as("one event per phase change; Queued only if the Builder was busy")
        .isIn(
            List.of("Normal/Placed", "Normal/Succeeded"),
            List.of("Normal/Queued", "Normal/Placed", "Normal/Succeeded"));
    assertThat(awaitEvents("wait-fail", "Warning/Failed"))
        .isIn(
            List.of("Normal/Placed", "Warning/Failed"),
            List.of("Normal/Queued", "Normal/Placed", "Warning/Failed"));
    assertThat(kubectl("describe", "br", "wait-fail").requireSuccess().stdout())
        .as("kubectl describe finds the events by the request's kind, name and uid")
        .contains("Events:")
        .containsPattern("Warning\\s+Failed\\s+\\S+\\s+slipway-operator\\s+\\S")
        .containsPattern("Normal\\s+Placed\\s+\\S+\\s+slipway-operator\\s+placed on ");
  }

  /** TYPE/Reason of a BuildRequest's events once {@code last} is among them, oldest first. */
  private List<String> awaitEvents(String name, String last) {
    return Await.until(
        "event " + last + " of " + name,
        Duration.ofMinutes(1),
        () -> events(name),
        events -> events.contains(last));
  }

  /**
   * What {@code kubectl get events} lists for the request, in the order the API server stored them
   * (timestamps have whole seconds: several events share one).
   */
  private List<String> events(String name) {
    String rows =
        kubectl(
                "get",
                "events",
                "--field-selector",
                "involvedObject.kind=BuildRequest,involvedObject.name=" + name,
                "-o",
                "custom-columns=VERSION:.metadata.resourceVersion,TYPE:.type,REASON:.reason",
                "--no-headers")
            .requireSuccess()
            .stdout();
    return rows.lines()
        .filter(l -> !l.isBlank())
        .map(l -> l.trim().split("\\s+"))
        .sorted(Comparator.comparingLong((String[] row) -> Long.parseLong(row[0])))
        .map(row -> row[1] + "/" + row[2])
        .toList();
  }

  private Command.Result kubectl(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "-n";
    all[1] = NAMESPACE;
    System.arraycopy(args, 0, all, 2, args.length);
    return cluster.kubectl(all);
  }
}
