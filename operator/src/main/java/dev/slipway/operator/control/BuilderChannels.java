package dev.slipway.operator.control;

import io.grpc.Channel;

/**
 * Opens gRPC channels to builder pods by their Control endpoint (host:port). Channels are shared
 * and cached by endpoint; the implementation owns and closes them.
 */
public interface BuilderChannels extends AutoCloseable {

  Channel channel(String endpoint);

  /** Drops the cached channel of an endpoint whose pod went away. */
  void forget(String endpoint);

  @Override
  void close();
}
