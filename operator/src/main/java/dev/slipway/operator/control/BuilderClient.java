package dev.slipway.operator.control;

import dev.slipway.api.control.v1.CancelRequest;
import dev.slipway.api.control.v1.ControlGrpc;
import dev.slipway.api.control.v1.InfoRequest;
import dev.slipway.api.control.v1.InfoResponse;
import dev.slipway.api.control.v1.ListBuildsRequest;
import dev.slipway.api.control.v1.ListBuildsResponse;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.control.v1.StatusRequest;
import dev.slipway.api.session.v1.SessionGrpc;
import dev.slipway.operator.auth.GrantCredentials;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The Control calls the operator makes on builder pods, with deadlines. A build's Solve and session
 * carry that build's grant; the operator's own calls that span builds carry its short-lived ADMIN
 * grant for the pod's Builder.
 */
public final class BuilderClient {

  /** Unary calls answer from memory on the builder; anything slower means the pod is in trouble. */
  private static final Duration UNARY_DEADLINE = Duration.ofSeconds(5);

  private final BuilderChannels channels;

  public BuilderClient(BuilderChannels channels) {
    this.channels = channels;
  }

  public InfoResponse info(BuilderPod pod) {
    return blocking(pod).info(InfoRequest.getDefaultInstance());
  }

  public ListBuildsResponse listBuilds(BuilderPod pod) {
    return blocking(pod).listBuilds(ListBuildsRequest.getDefaultInstance());
  }

  public boolean cancel(BuilderPod pod, String buildId, String reason) {
    return blocking(pod)
        .cancel(CancelRequest.newBuilder().setBuildId(buildId).setReason(reason).build())
        .getCancelled();
  }

  /** Starts a build with its own grant, which binds it to the session created with that grant. */
  public void solve(
      BuilderPod pod,
      SolveRequest request,
      GrantCredentials grant,
      StreamObserver<SolveEvent> events) {
    ControlGrpc.newStub(channels.channel(pod)).withCallCredentials(grant).solve(request, events);
  }

  /** Follows a build the pod runs already (after an operator restart or a broken stream). */
  public void status(BuilderPod pod, String buildId, StreamObserver<SolveEvent> events) {
    ControlGrpc.newStub(channels.channel(pod))
        .withCallCredentials(pod.access().admin())
        .status(StatusRequest.newBuilder().setBuildId(buildId).build(), events);
  }

  /** The Session service, for the session of the build whose grant this is. */
  public SessionGrpc.SessionStub session(BuilderPod pod, GrantCredentials grant) {
    return SessionGrpc.newStub(channels.channel(pod)).withCallCredentials(grant);
  }

  /** Drops the connection to a pod that is gone, so that a new pod of that name gets a new one. */
  public void forget(BuilderPod pod) {
    channels.forget(pod);
  }

  private ControlGrpc.ControlBlockingStub blocking(BuilderPod pod) {
    return ControlGrpc.newBlockingStub(channels.channel(pod))
        .withCallCredentials(pod.access().admin())
        .withDeadlineAfter(UNARY_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }
}
