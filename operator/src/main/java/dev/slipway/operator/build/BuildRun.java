package dev.slipway.operator.build;

import dev.slipway.api.control.v1.BuildError;
import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.VertexState;
import dev.slipway.operator.control.BuilderPod;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * One attempt of a BuildRequest on one builder pod, as the operator follows it: it receives the
 * pod's progress stream (from Solve, or from Status after the operator restarted) and keeps what
 * the BuildRequest's status shows. Stream callbacks and reconciles run on different threads; every
 * read goes through {@link #snapshot()}.
 */
public final class BuildRun implements StreamObserver<SolveEvent> {

  /** Where the attempt stands as far as the operator knows. */
  public enum State {
    /** Placed on the pod; Solve (or Status) is on its way. */
    STARTING,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED,
    /** The stream broke before the build ended: the pod may be gone. */
    DISCONNECTED;

    public boolean isFinal() {
      return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
  }

  /** What the reconciler reads. */
  public record Snapshot(
      State state,
      int stepsTotal,
      int stepsDone,
      int stepsCached,
      BuildResult result,
      BuildError error,
      String disconnectReason) {}

  private final ResourceID request;
  private final String buildId;
  private final int attempt;
  private final BuilderPod pod;
  private final String contextKey;
  private final BiConsumer<BuildRun, Boolean> onChange;
  private final Context.CancellableContext call = Context.current().withCancellation();

  private State state = State.STARTING;
  private int stepsTotal;
  private final Set<String> done = new HashSet<>();
  private final Set<String> cached = new HashSet<>();
  private BuildResult result;
  private BuildError error;
  private String disconnectReason;
  private Status.Code disconnectCode;
  private boolean heardFromPod;
  private boolean detached;

  /**
   * @param onChange called on every change; the flag says whether it is the end of the stream (and
   *     must not be held back)
   */
  public BuildRun(
      ResourceID request,
      String buildId,
      int attempt,
      BuilderPod pod,
      String contextKey,
      BiConsumer<BuildRun, Boolean> onChange) {
    this.request = request;
    this.buildId = buildId;
    this.attempt = attempt;
    this.pod = pod;
    this.contextKey = contextKey;
    this.onChange = onChange;
  }

  public ResourceID request() {
    return request;
  }

  public String buildId() {
    return buildId;
  }

  public int attempt() {
    return attempt;
  }

  public BuilderPod pod() {
    return pod;
  }

  public String contextKey() {
    return contextKey;
  }

  /** Runs a streaming call so that {@link #detach()} can end it. */
  public void follow(Runnable startCall) {
    call.run(startCall);
  }

  /** Stops following (the build is cancelled or the request deleted); later events are dropped. */
  public void detach() {
    synchronized (this) {
      detached = true;
    }
    call.cancel(null);
  }

  public synchronized Snapshot snapshot() {
    return new Snapshot(
        state, stepsTotal, done.size(), cached.size(), result, error, disconnectReason);
  }

  /**
   * Whether the pod answered the call with UNAVAILABLE before any event: it did not take the build
   * (a draining pod refuses so), or could not be reached.
   */
  public synchronized boolean refusedUnavailable() {
    return state == State.DISCONNECTED
        && !heardFromPod
        && disconnectCode == Status.Code.UNAVAILABLE;
  }

  /** Whether the build still occupies a slot on its pod, as far as the operator knows. */
  public synchronized boolean occupiesSlot() {
    return !state.isFinal() && state != State.DISCONNECTED;
  }

  @Override
  public void onNext(SolveEvent event) {
    boolean ended;
    synchronized (this) {
      if (detached) {
        return;
      }
      heardFromPod = true;
      if (state == State.STARTING) {
        state = State.RUNNING;
      }
      switch (event.getEventCase()) {
        case ACCEPTED -> stepsTotal = event.getAccepted().getStepsTotal();
        case VERTEX -> vertex(event);
        case RESULT -> {
          result = event.getResult();
          stepsTotal = Math.max(stepsTotal, result.getStepsTotal());
          state = State.SUCCEEDED;
        }
        case ERROR -> {
          error = event.getError();
          state =
              error.getKind() == dev.slipway.api.control.v1.ErrorKind.ERROR_KIND_CANCELLED
                  ? State.CANCELLED
                  : State.FAILED;
        }
        default -> {}
      }
      ended = state.isFinal();
    }
    onChange.accept(this, ended);
  }

  private void vertex(SolveEvent event) {
    var v = event.getVertex();
    if (v.getState() == VertexState.VERTEX_STATE_CACHED) {
      cached.add(v.getVertexId());
      done.add(v.getVertexId());
    } else if (v.getState() == VertexState.VERTEX_STATE_DONE) {
      done.add(v.getVertexId());
    }
  }

  @Override
  public void onError(Throwable t) {
    synchronized (this) {
      if (detached || state.isFinal()) {
        return;
      }
      Status status = Status.fromThrowable(t);
      state = State.DISCONNECTED;
      disconnectCode = status.getCode();
      disconnectReason =
          status.getCode()
              + (status.getDescription() == null ? "" : ": " + status.getDescription());
    }
    onChange.accept(this, true);
  }

  @Override
  public void onCompleted() {
    synchronized (this) {
      if (detached || state.isFinal()) {
        return;
      }
      state = State.DISCONNECTED;
      disconnectReason = "the progress stream ended without a result";
    }
    onChange.accept(this, true);
  }
}
