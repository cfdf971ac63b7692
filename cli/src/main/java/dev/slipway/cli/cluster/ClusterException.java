package dev.slipway.cli.cluster;

/** Something on the cluster is not as the command needs it; the message says what to do. */
public final class ClusterException extends RuntimeException {
  public ClusterException(String message) {
    super(message);
  }
}
