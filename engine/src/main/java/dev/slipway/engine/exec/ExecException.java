package dev.slipway.engine.exec;

/**
 * A RUN step could not be executed (as opposed to executing and exiting non-zero, which is an
 * {@link ExecResult}). Messages say what failed, where and how to fix it, and never contain secret
 * values.
 */
public class ExecException extends RuntimeException {

  public ExecException(String message) {
    super(message);
  }

  public ExecException(String message, Throwable cause) {
    super(message, cause);
  }
}
