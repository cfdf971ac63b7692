package dev.slipway.operator.testing;

import dev.slipway.operator.control.BuilderChannels;
import dev.slipway.operator.control.BuilderPod;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Channels to {@link FakeBuilderPod}s, found by the endpoint the operator computes for a pod
 * (in-process: no TLS; grants are checked by the tests that run real builder processes).
 */
public final class InProcessBuilderChannels implements BuilderChannels {

  private final ConcurrentHashMap<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  @Override
  public Channel channel(BuilderPod pod) {
    return channels.computeIfAbsent(
        pod.endpoint(), e -> InProcessChannelBuilder.forName(e).build());
  }

  @Override
  public void forget(BuilderPod pod) {
    ManagedChannel c = channels.remove(pod.endpoint());
    if (c != null) {
      c.shutdownNow();
    }
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
  }
}
