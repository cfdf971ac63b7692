package dev.slipway.builder.peer;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * TLS channels to this builder's peers. Every pod of a Builder serves the same certificate, issued
 * by the Builder's CA for the Builder's Service name; a peer is trusted only if it presents it, so
 * the grant goes only to pods of the same Builder, never in clear. Channels are kept per endpoint,
 * a bounded number of them (pods come and go, and their addresses with them): twice the most
 * replicas a Builder may have, so a Builder's pods and their replacements all fit. A caller holds
 * the endpoint, not a channel: each call takes the endpoint's current channel, so closing the least
 * recently used one (orderly: calls already started go on) never fails a build that holds it.
 */
public final class PeerChannels implements AutoCloseable {
  static final int MAX_OPEN = 128;

  private final SslContext tls;
  private final String tlsName;
  private final Map<String, ManagedChannel> open =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ManagedChannel> eldest) {
          if (size() > MAX_OPEN) {
            eldest.getValue().shutdown();
            return true;
          }
          return false;
        }
      };

  /**
   * @param caCertificate the PEM CA certificate peers' certificates must chain to
   * @param tlsName the name peers' certificate must hold (the Builder's Service name)
   */
  public PeerChannels(Path caCertificate, String tlsName) throws IOException {
    if (tlsName == null || tlsName.isBlank()) {
      throw new IllegalArgumentException("the peers' certificate name must not be blank");
    }
    this.tls = GrpcSslContexts.forClient().trustManager(caCertificate.toFile()).build();
    this.tlsName = tlsName;
  }

  /**
   * The channel to {@code endpoint}, HOST:PORT.
   *
   * @throws IllegalArgumentException when the endpoint is not HOST:PORT
   */
  public synchronized Channel channel(String endpoint) {
    managed(endpoint); // checks the endpoint now, not at the first call
    return new Channel() {
      @Override
      public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
        synchronized (PeerChannels.this) {
          return managed(endpoint).newCall(method, options);
        }
      }

      @Override
      public String authority() {
        return tlsName;
      }
    };
  }

  /** Whether a channel to {@code endpoint} is open now. */
  synchronized boolean isOpen(String endpoint) {
    return open.containsKey(endpoint);
  }

  private ManagedChannel managed(String endpoint) {
    ManagedChannel channel = open.get(endpoint);
    if (channel == null) {
      int colon = endpoint.lastIndexOf(':');
      int port;
      try {
        port = Integer.parseInt(endpoint.substring(colon + 1));
      } catch (NumberFormatException | IndexOutOfBoundsException e) {
        port = -1;
      }
      if (colon <= 0 || port < 1 || port > 65535) {
        throw new IllegalArgumentException("the endpoint is not HOST:PORT");
      }
      String host = endpoint.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1); // an IPv6 address, as the operator writes it
      }
      channel =
          NettyChannelBuilder.forAddress(host, port)
              .sslContext(tls)
              .overrideAuthority(tlsName)
              .keepAliveTime(30, TimeUnit.SECONDS)
              .build();
      open.put(endpoint, channel);
    }
    return channel;
  }

  @Override
  public synchronized void close() {
    open.values().forEach(ManagedChannel::shutdownNow);
    open.clear();
  }
}
