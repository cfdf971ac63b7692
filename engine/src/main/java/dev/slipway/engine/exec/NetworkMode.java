package dev.slipway.engine.exec;

/** RUN --network: the builder's own network stack, or an isolated one with only loopback. */
public enum NetworkMode {
  /** No network namespace: the process sees the builder's interfaces (Docker's default for RUN). */
  HOST,
  /** A fresh network namespace whose only interface is {@code lo}. */
  NONE
}
