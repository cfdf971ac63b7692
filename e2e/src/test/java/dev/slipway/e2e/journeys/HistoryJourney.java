package dev.slipway.e2e.journeys;

import static dev.slipway.e2e.journeys.BuildsNamespace.BUILD_TIMEOUT;
import static dev.slipway.e2e.journeys.BuildsNamespace.NAMESPACE;
import static dev.slipway.e2e.journeys.BuildsNamespace.NONCE;
import static dev.slipway.e2e.journeys.BuildsNamespace.describe;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.testing.Busybox;
import dev.slipway.testing.Command;
import dev.slipway.testing.GitDaemon;
import java.util.Map;

/**
 * A user looks back at finished GitOps builds: {@code slipway history ls} lists them from their
 * status, and {@code inspect} and {@code logs} follow {@code status.historyRef} to the builder pod
 * that keeps the record, with the request's own grant.
 */
final class HistoryJourney {
  private final BuildsNamespace builds;
  private final GitDaemon git;

  HistoryJourney(BuildsNamespace builds, GitDaemon git) {
    this.builds = builds;
    this.git = git;
  }

  void finishedBuildsAreListedInspectedAndReplayed() throws Exception {
    String marker = "history-said-" + NONCE;
    String ok =
        git.publish(
            "history-ok",
            Map.of(
                "Dockerfile",
                "FROM " + Busybox.IN_REGISTRY + "\nARG NONCE\nRUN echo " + marker + "\n"));
    String failing =
        git.publish(
            "history-fail",
            Map.of(
                "Dockerfile",
                "FROM "
                    + Busybox.IN_REGISTRY
                    + "\nARG NONCE\nRUN echo last-words-$NONCE && exit 7\n"));
    builds.apply(builds.buildRequest("history-ok", ok, 0));
    builds.apply(builds.buildRequest("history-fail", failing, 0));

    BuildRequest succeeded = builds.awaitEnd("history-ok");
    BuildRequest failed = builds.awaitEnd("history-fail");
    assertThat(succeeded.getStatus().getPhase())
        .as(describe(succeeded))
        .isEqualTo(BuildPhase.SUCCEEDED);
    assertThat(failed.getStatus().getPhase()).as(describe(failed)).isEqualTo(BuildPhase.FAILED);
    for (BuildRequest r : new BuildRequest[] {succeeded, failed}) {
      assertThat(r.getStatus().getHistoryRef())
          .as("status.historyRef of " + r.getMetadata().getName())
          .isEqualTo(r.getStatus().getBuilderPod() + "/" + r.getStatus().getBuildId());
    }

    Command.Result ls = history("ls");
    assertThat(ls.stdout())
        .contains("BUILD ID", "history-ok", "history-fail", "Completed", "Error");

    Command.Result inspectFailed = history("inspect", "history-fail");
    assertThat(inspectFailed.stdout())
        .contains("Status:        Error")
        // the step's name shows the build argument's value, as BuildKit's
        .contains("Failing Step:  [2/2] RUN echo last-words-" + NONCE + "-history-fail && exit 7")
        .contains("Exit Code:     7")
        .contains("last-words-" + NONCE);

    Command.Result inspectOk = history("inspect", "history-ok", "--format", "json");
    assertThat(inspectOk.stdout())
        .contains("\"buildId\": \"" + succeeded.getStatus().getBuildId() + "\"")
        .contains("\"state\": \"BUILD_STATE_SUCCEEDED\"");
    if (succeeded.getStatus().getResult() != null
        && succeeded.getStatus().getResult().getDigest() != null) {
      assertThat(inspectOk.stdout())
          .contains("\"imageDigest\": \"" + succeeded.getStatus().getResult().getDigest() + "\"");
    }

    Command.Result logs = history("logs", "history-ok");
    assertThat(logs.stdout()).contains("RUN echo " + marker).contains(marker + "\n");

    Command.Result unknown =
        builds.slipway(Map.of(), BUILD_TIMEOUT, "history", "inspect", "-n", NAMESPACE, "nope-x");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.stderr()).contains("nope-x").contains("slipway history ls");
  }

  private Command.Result history(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "history";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "-n";
    all[args.length + 2] = NAMESPACE;
    Command.Result r = builds.slipway(Map.of(), BUILD_TIMEOUT, all);
    r.requireSuccess();
    return r;
  }
}
