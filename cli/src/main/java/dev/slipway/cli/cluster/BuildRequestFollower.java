package dev.slipway.cli.cluster;

import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.engine.BuildCancellation;
import dev.slipway.engine.BuildFailedException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * Follows a BuildRequest as the operator moves it along: until it has a builder pod (showing
 * Pending and Queued with the queue position), or until it ends.
 */
final class BuildRequestFollower implements AutoCloseable {
  private static final Duration OPERATOR_HINT_AFTER = Duration.ofSeconds(20);
  private static final Duration CANCEL_CONFIRMATION = Duration.ofSeconds(30);
  private static final Duration POLL = Duration.ofSeconds(1);

  private final BuildRequestWatch watch;
  private final String namespace;
  private final PrintStream notices;
  private final SchedulingNotices shown;

  BuildRequestFollower(ClusterConnection cluster, String name, PrintStream notices) {
    this.watch = new BuildRequestWatch(cluster.client(), cluster.namespace(), name);
    this.namespace = cluster.namespace();
    this.notices = notices;
    this.shown = new SchedulingNotices(notices);
  }

  /** The request once the operator names its pod and build id, or once it ended before that. */
  BuildRequest awaitPod(BuildCancellation cancellation)
      throws InterruptedException, BuildFailedException {
    return await(
        cancellation,
        r ->
            BuildOutcome.isFinal(r)
                || (r.getStatus() != null
                    && r.getStatus().getBuilderPod() != null
                    && r.getStatus().getBuildId() != null));
  }

  /** The build's last event, from the request's status once it ended. */
  SolveEvent lastEvent(BuildCancellation cancellation) throws InterruptedException {
    try {
      return BuildOutcome.of(await(cancellation, BuildOutcome::isFinal));
    } catch (BuildFailedException e) {
      return SolveEvent.newBuilder().setError(e.error()).build();
    }
  }

  /**
   * Waits for {@code until}. Cancelling sets spec.cancel elsewhere; this waits a while for the
   * operator to confirm, then gives up so that Ctrl-C never hangs on an absent operator.
   */
  private BuildRequest await(BuildCancellation cancellation, Predicate<BuildRequest> until)
      throws InterruptedException, BuildFailedException {
    long started = System.nanoTime();
    long cancelSeen = 0;
    boolean hinted = false;
    while (true) {
      BuildRequest state = watch.await(until, shown, POLL);
      if (state != null) {
        return state;
      }
      long now = System.nanoTime();
      if (!shown.sawPhase() && !hinted && now - started > OPERATOR_HINT_AFTER.toNanos()) {
        hinted = true;
        notices.println(
            "No operator has taken up the BuildRequest yet; is the Slipway operator running and"
                + " watching namespace "
                + namespace
                + "?");
      }
      if (cancellation.isCancelled()) {
        cancelSeen = cancelSeen == 0 ? now : cancelSeen;
        if (now - cancelSeen > CANCEL_CONFIRMATION.toNanos()) {
          throw BuildFailedException.cancelled(
              cancellation.reason() + " (spec.cancel is set; the operator has not confirmed yet)");
        }
      }
    }
  }

  @Override
  public void close() {
    watch.close();
  }
}
