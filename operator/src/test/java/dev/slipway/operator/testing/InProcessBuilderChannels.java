package dev.slipway.operator.testing;

import dev.slipway.operator.control.BuilderChannels;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.util.concurrent.ConcurrentHashMap;

/** Channels to {@link FakeBuilderPod}s, found by the endpoint the operator computes for a pod. */
public final class InProcessBuilderChannels implements BuilderChannels {

  private final ConcurrentHashMap<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  @Override
  public Channel channel(String endpoint) {
    return channels.computeIfAbsent(endpoint, e -> InProcessChannelBuilder.forName(e).build());
  }

  @Override
  public void forget(String endpoint) {
    ManagedChannel c = channels.remove(endpoint);
    if (c != null) {
      c.shutdownNow();
    }
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
  }
}
