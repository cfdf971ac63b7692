package dev.slipway.operator.control;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Plain-text HTTP/2 channels to builder pods inside the cluster; every call carries the Builder's
 * token (see {@link BuilderToken}).
 */
public final class NettyBuilderChannels implements BuilderChannels {

  private final ConcurrentHashMap<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  @Override
  public Channel channel(String endpoint) {
    return channels.computeIfAbsent(
        endpoint,
        e ->
            NettyChannelBuilder.forTarget(e)
                .usePlaintext()
                .keepAliveTime(30, TimeUnit.SECONDS)
                .keepAliveWithoutCalls(false)
                .build());
  }

  @Override
  public void forget(String endpoint) {
    ManagedChannel channel = channels.remove(endpoint);
    if (channel != null) {
      channel.shutdown();
    }
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    channels.clear();
  }
}
