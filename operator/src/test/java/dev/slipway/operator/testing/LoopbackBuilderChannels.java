package dev.slipway.operator.testing;

import dev.slipway.operator.control.BuilderChannels;
import dev.slipway.operator.control.BuilderPod;
import dev.slipway.operator.control.NettyBuilderChannels;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operator's own TLS channels ({@link NettyBuilderChannels#open}: the Builder's CA, the pod's
 * DNS name as the name checked in its certificate), with the pod endpoints it computes ({@code
 * <pod>.<builder>.<ns>.svc:7777}) routed to builder processes on 127.0.0.1: what cluster DNS does
 * for a real operator.
 */
public final class LoopbackBuilderChannels implements BuilderChannels {

  private final Map<String, String> addresses = new ConcurrentHashMap<>();
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  /** From now on, {@code endpoint} is the builder listening on 127.0.0.1:{@code port}. */
  public void route(String endpoint, int port) {
    addresses.put(endpoint, "127.0.0.1:" + port);
    ManagedChannel previous = channels.remove(endpoint);
    if (previous != null) {
      previous.shutdown();
    }
  }

  @Override
  public Channel channel(BuilderPod pod) {
    String address = addresses.get(pod.endpoint());
    if (address == null) {
      throw new IllegalStateException("no builder process on loopback serves " + pod.endpoint());
    }
    return channels.computeIfAbsent(
        pod.endpoint(),
        e -> NettyBuilderChannels.open(address, pod.tlsHost(), pod.access().caCertificatePem()));
  }

  @Override
  public void forget(BuilderPod pod) {
    ManagedChannel channel = channels.remove(pod.endpoint());
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
