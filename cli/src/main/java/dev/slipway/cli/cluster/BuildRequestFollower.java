package dev.slipway.cli.cluster;

import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestStatus;
import dev.slipway.engine.job.BuildCancellation;
import dev.slipway.engine.job.BuildFailedException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Follows a BuildRequest as the operator moves it along: until it has a builder pod (showing
 * Pending, WaitingForPod while its Builder has no pod, and Queued with the queue position), until
 * the operator moves it to another attempt, or until it ends.
 */
final class BuildRequestFollower implements AutoCloseable {
  private static final Duration OPERATOR_HINT_AFTER = Duration.ofSeconds(20);
  private static final Duration CANCEL_CONFIRMATION = Duration.ofSeconds(30);
  private static final Duration POLL = Duration.ofSeconds(1);

  private final BuildRequestWatch watch;
  private final ClusterConnection cluster;
  private final String name;
  private final String namespace;
  private final PrintStream notices;
  private final SchedulingNotices scheduling;
  private final Consumer<BuildRequest> shown;

  BuildRequestFollower(ClusterConnection cluster, String name, PrintStream notices) {
    this.watch = new BuildRequestWatch(cluster.client(), cluster.namespace(), name);
    this.cluster = cluster;
    this.name = name;
    this.namespace = cluster.namespace();
    this.notices = notices;
    this.scheduling = new SchedulingNotices(notices);
    this.shown = scheduling.andThen(new BuildParts(notices));
  }

  /**
   * The request once the operator names its pod and build id, once it split it into one child per
   * platform (see {@link BuildParts#split}), or once it ended before either.
   */
  BuildRequest awaitPod(BuildCancellation cancellation)
      throws InterruptedException, BuildFailedException {
    return await(
        cancellation, r -> BuildOutcome.isFinal(r) || placed(r) || BuildParts.split(r), shown);
  }

  /**
   * A split request once it ended, showing each part's progress on the way: the children run on the
   * pods of their own platforms, and the operator assembles the index once all succeeded.
   */
  BuildRequest awaitParts(BuildCancellation cancellation)
      throws InterruptedException, BuildFailedException {
    return await(cancellation, BuildOutcome::isFinal, shown);
  }

  /**
   * After an attempt's events stopped short of its end (see {@link LostEvents}), the request once
   * the operator placed its next attempt, which this announces, or once it ended. Only the phases
   * between attempts are shown: what changed while the earlier attempt ran is old news by now.
   *
   * @param lost the status that placed the attempt: its build id and pod
   * @param reason why its events stopped
   */
  BuildRequest awaitRetry(BuildRequestStatus lost, String reason, BuildCancellation cancellation)
      throws InterruptedException, BuildFailedException {
    String buildId = lost.getBuildId();
    // A pod that drains refuses the build; the operator then places the same attempt elsewhere.
    BuildRequest next =
        await(
            cancellation,
            r -> BuildOutcome.isFinal(r) || placedAgain(lost, r),
            r -> {
              if (r.getStatus() == null || r.getStatus().getPhase() != BuildPhase.RUNNING) {
                scheduling.accept(r);
              }
            });
    if (!BuildOutcome.isFinal(next) && next.getStatus().getBuildId().equals(buildId)) {
      notices.println(
          "Builder pod "
              + lost.getBuilderPod()
              + " is draining and did not take the build; the operator moved it to pod "
              + next.getStatus().getBuilderPod());
    } else if (!BuildOutcome.isFinal(next)) {
      notices.println(
          "Builder pod "
              + lost.getBuilderPod()
              + " was lost ("
              + reason
              + "); the operator retries: attempt "
              + next.getStatus().getAttempts()
              + " of "
              + (next.getSpec().getRetries() + 1)
              + " on pod "
              + next.getStatus().getBuilderPod());
    }
    return next;
  }

  /** The request as the API server has it now. */
  BuildRequest current() {
    BuildRequest now =
        cluster.client().resources(BuildRequest.class).inNamespace(namespace).withName(name).get();
    if (now == null) {
      throw new ClusterException(
          "BuildRequest " + namespace + "/" + name + " was deleted while this command followed it");
    }
    return now;
  }

  /**
   * Whether the operator placed the request anew since {@code lost}: another build id or pod, or
   * the same ones with a new start time (a drained pod the StatefulSet recreated under its name
   * took the same attempt, which the operator had put back to Pending).
   */
  static boolean placedAgain(BuildRequestStatus lost, BuildRequest r) {
    return placed(r)
        && !(r.getStatus().getBuildId().equals(lost.getBuildId())
            && r.getStatus().getBuilderPod().equals(lost.getBuilderPod())
            && Objects.equals(r.getStatus().getStartTime(), lost.getStartTime()));
  }

  private static boolean placed(BuildRequest r) {
    return r.getStatus() != null
        && r.getStatus().getBuilderPod() != null
        && r.getStatus().getBuildId() != null;
  }

  /** The build's last event, from the request's status once it ended. */
  SolveEvent lastEvent(BuildCancellation cancellation) throws InterruptedException {
    try {
      return BuildOutcome.of(await(cancellation, BuildOutcome::isFinal, shown));
    } catch (BuildFailedException e) {
      return SolveEvent.newBuilder().setError(e.error()).build();
    }
  }

  /**
   * Waits for {@code until}. Cancelling sets spec.cancel elsewhere; this waits a while for the
   * operator to confirm, then gives up so that Ctrl-C never hangs on an absent operator.
   */
  private BuildRequest await(
      BuildCancellation cancellation, Predicate<BuildRequest> until, Consumer<BuildRequest> seen)
      throws InterruptedException, BuildFailedException {
    long started = System.nanoTime();
    long cancelSeen = 0;
    boolean hinted = false;
    while (true) {
      BuildRequest state = watch.await(until, seen, POLL);
      if (state != null) {
        return state;
      }
      long now = System.nanoTime();
      if (!scheduling.sawPhase() && !hinted && now - started > OPERATOR_HINT_AFTER.toNanos()) {
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
