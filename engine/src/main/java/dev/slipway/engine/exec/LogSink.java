package dev.slipway.engine.exec;

/**
 * Receives a running process's output as it is produced, chunk by chunk. Called from one reader
 * thread per stream, so chunks of one stream arrive in order but the two streams interleave freely;
 * implementations must be thread-safe. The array is owned by the sink.
 */
@FunctionalInterface
public interface LogSink {

  void write(LogStream stream, byte[] chunk);

  /** A sink that drops everything, for callers that do not show logs. */
  static LogSink discarding() {
    return (stream, chunk) -> {};
  }
}
