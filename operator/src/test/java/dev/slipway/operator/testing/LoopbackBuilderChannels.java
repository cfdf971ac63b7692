package dev.slipway.operator.testing;

import dev.slipway.operator.control.BuilderChannels;
import dev.slipway.operator.control.NettyBuilderChannels;
import io.grpc.Channel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operator's own Netty channels, with the pod endpoints it computes ({@code
 * <pod>.<builder>.<ns>.svc:7777}) routed to builder processes on 127.0.0.1: what cluster DNS does
 * for a real operator.
 */
public final class LoopbackBuilderChannels implements BuilderChannels {

  private final Map<String, String> addresses = new ConcurrentHashMap<>();
  private final NettyBuilderChannels netty = new NettyBuilderChannels();

  /** From now on, {@code endpoint} is the builder listening on 127.0.0.1:{@code port}. */
  public void route(String endpoint, int port) {
    String previous = addresses.put(endpoint, "127.0.0.1:" + port);
    if (previous != null) {
      netty.forget(previous);
    }
  }

  @Override
  public Channel channel(String endpoint) {
    String address = addresses.get(endpoint);
    if (address == null) {
      throw new IllegalStateException("no builder process on loopback serves " + endpoint);
    }
    return netty.channel(address);
  }

  @Override
  public void forget(String endpoint) {
    String address = addresses.get(endpoint);
    if (address != null) {
      netty.forget(address);
    }
  }

  @Override
  public void close() {
    netty.close();
  }
}
