package dev.slipway.engine.exec;

/** The output stream a chunk of process output came from. */
public enum LogStream {
  STDOUT,
  STDERR
}
