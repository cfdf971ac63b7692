package dev.slipway.engine.exec;

/**
 * The process was stopped because its build was cancelled or its timeout passed. By the time this
 * is thrown the container, its processes and its temporary files are gone.
 */
public final class ExecCancelledException extends ExecException {

  public ExecCancelledException(String message) {
    super(message);
  }
}
