package dev.slipway.operator.control;

import io.grpc.Channel;

/**
 * Opens gRPC channels to builder pods. Channels are shared and cached by endpoint; the
 * implementation owns and closes them.
 */
public interface BuilderChannels extends AutoCloseable {

  Channel channel(BuilderPod pod);

  /** Drops the cached channel of a pod that went away. */
  void forget(BuilderPod pod);

  @Override
  void close();
}
