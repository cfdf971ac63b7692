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
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The Control calls the operator makes on builder pods, with deadlines and the Builder token. */
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

  public void solve(BuilderPod pod, SolveRequest request, StreamObserver<SolveEvent> events) {
    async(pod).solve(request, events);
  }

  public void status(BuilderPod pod, String buildId, StreamObserver<SolveEvent> events) {
    async(pod).status(StatusRequest.newBuilder().setBuildId(buildId).build(), events);
  }

  public SessionGrpc.SessionStub session(BuilderPod pod) {
    return SessionGrpc.newStub(channels.channel(pod.endpoint())).withCallCredentials(pod.token());
  }

  /** Drops the connection to a pod that is gone, so that a new pod of that name gets a new one. */
  public void forget(BuilderPod pod) {
    channels.forget(pod.endpoint());
  }

  private ControlGrpc.ControlBlockingStub blocking(BuilderPod pod) {
    return ControlGrpc.newBlockingStub(channels.channel(pod.endpoint()))
        .withCallCredentials(pod.token())
        .withDeadlineAfter(UNARY_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  private ControlGrpc.ControlStub async(BuilderPod pod) {
    return ControlGrpc.newStub(channels.channel(pod.endpoint())).withCallCredentials(pod.token());
  }
}
