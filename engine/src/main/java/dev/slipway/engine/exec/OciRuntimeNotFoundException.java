package dev.slipway.engine.exec;

/** Neither crun nor runc is usable on this machine, or the configured runtime path is wrong. */
public final class OciRuntimeNotFoundException extends ExecException {

  public OciRuntimeNotFoundException(String message) {
    super(message);
  }
}
