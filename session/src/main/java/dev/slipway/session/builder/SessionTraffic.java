package dev.slipway.session.builder;

/** Where a session reports the bytes it receives, for the builder's metrics. */
public interface SessionTraffic {
  /** A message from a client, by its size on the wire. */
  void received(long bytes);

  /** File content from a client's context. */
  void fileBytes(long bytes);
}
