package dev.slipway.launcher;

import java.nio.file.Path;

/** The files of one daemon in the socket directory, all named after its identity. */
public record DaemonFiles(Path dir, String identity) {
  public Path socket() {
    return dir.resolve(identity + ".sock");
  }

  /** Where the daemon's own stdout and stderr go (it never holds a caller's terminal open). */
  public Path log() {
    return dir.resolve(identity + ".log");
  }

  /** Held while one launcher starts the daemon, so two at once start one. */
  public Path startLock() {
    return dir.resolve(identity + ".lock");
  }

  /** The daemon's process id while it runs. */
  public Path pid() {
    return dir.resolve(identity + ".pid");
  }
}
