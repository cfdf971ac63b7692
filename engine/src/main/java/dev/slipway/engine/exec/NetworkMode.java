package dev.slipway.engine.exec;

/**
 * RUN --network, as the Dockerfile says it (part of a step's cache key) and as the sandbox runs it.
 */
public enum NetworkMode {
  /**
   * Whatever the build chose ({@code --network}, a Builder's setting); the solver resolves it to
   * {@link #HOST} or {@link #NONE} before a step runs, and a sandbox given it uses the host's.
   */
  DEFAULT,
  /** No network namespace: the process sees the builder's interfaces (Docker's default for RUN). */
  HOST,
  /** A fresh network namespace whose only interface is {@code lo}. */
  NONE
}
