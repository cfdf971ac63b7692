package dev.slipway.operator.control;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * TLS channels to builder pods: each trusts only its Builder's CA and checks the pod's certificate
 * against the pod's DNS name (the endpoint is usually its IP, which certificates do not name).
 * Grants and Secret values that travel on them never cross the pod network in clear.
 */
public final class NettyBuilderChannels implements BuilderChannels {

  /** A channel and the CA it trusts: a Builder whose CA changed gets a new channel. */
  private record Open(ManagedChannel channel, String caPem) {}

  private final ConcurrentHashMap<String, Open> channels = new ConcurrentHashMap<>();

  @Override
  public Channel channel(BuilderPod pod) {
    String ca = pod.access().caCertificatePem();
    Open open =
        channels.compute(
            pod.endpoint(),
            (endpoint, current) -> {
              if (current != null && current.caPem().equals(ca)) {
                return current;
              }
              if (current != null) {
                current.channel().shutdown();
              }
              return new Open(open(pod, ca), ca);
            });
    return open.channel();
  }

  /** Also used by tests that route a pod's endpoint to a builder process on loopback. */
  public static ManagedChannel open(String target, String tlsHost, String caPem) {
    return NettyChannelBuilder.forTarget(target)
        .sslContext(trusting(caPem))
        .overrideAuthority(tlsHost)
        .keepAliveTime(30, TimeUnit.SECONDS)
        .keepAliveWithoutCalls(false)
        .build();
  }

  private static ManagedChannel open(BuilderPod pod, String caPem) {
    return open(pod.endpoint(), pod.tlsHost(), caPem);
  }

  private static SslContext trusting(String caPem) {
    try {
      return GrpcSslContexts.forClient()
          .trustManager(new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII)))
          .build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalStateException("the Builder's CA certificate is unusable: " + e, e);
    }
  }

  @Override
  public void forget(BuilderPod pod) {
    Open open = channels.remove(pod.endpoint());
    if (open != null) {
      open.channel().shutdown();
    }
  }

  @Override
  public void close() {
    channels.values().forEach(o -> o.channel().shutdownNow());
    channels.clear();
  }
}
