package dev.slipway.engine.snapshot;

/** A layer tar entry names a path (or link target) that would leave the snapshot's root. */
public final class LayerPathEscapeException extends SnapshotException {

  public LayerPathEscapeException(String entryName, String reason) {
    super(
        "refusing layer entry \""
            + entryName
            + "\": "
            + reason
            + "; the layer tar is malformed or malicious, rebuild it from a trusted source");
  }
}
