package dev.slipway.engine.exec;

/** The output stream a chunk of process output came from; ids match the file descriptors. */
public enum LogStream {
  STDOUT(1),
  STDERR(2);

  private final int fd;

  LogStream(int fd) {
    this.fd = fd;
  }

  public int fd() {
    return fd;
  }
}
