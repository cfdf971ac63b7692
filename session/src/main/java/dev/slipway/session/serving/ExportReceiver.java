package dev.slipway.session.serving;

import dev.slipway.api.session.v1.ExportChunk;

/** Takes the output bytes a builder sends back over a session. */
@FunctionalInterface
public interface ExportReceiver {

  /** For a session whose builds send nothing back (the operator's). */
  ExportReceiver NONE = chunk -> {};

  void receive(ExportChunk chunk);
}
