package dev.slipway.engine.fileop;

/**
 * A file operation (COPY, ADD, WORKDIR, heredoc file) could not be applied. Messages name the
 * operation, the path as the build sees it (never the host path of a snapshot) and how to fix it.
 */
public class FileOpException extends RuntimeException {

  public FileOpException(String message) {
    super(message);
  }

  public FileOpException(String message, Throwable cause) {
    super(message, cause);
  }
}
