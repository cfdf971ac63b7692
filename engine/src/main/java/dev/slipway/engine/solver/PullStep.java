package dev.slipway.engine.solver;

import dev.slipway.api.control.v1.TransferKind;
import dev.slipway.api.control.v1.VertexState;
import dev.slipway.engine.job.TransferScope;
import java.time.Instant;

/**
 * The step {@code pulling NAME} under which the layers of a base image the frontend resolves show
 * their bytes: the frontend reads a base image's configuration before the graph (and so the FROM
 * step) exists. It appears only once a blob is fetched, so an image already in the store adds no
 * step.
 */
public final class PullStep implements TransferScope {
  private final ProgressEmitter progress;
  private final String id;
  private final String title;
  private Instant started;

  /**
   * @param progress null where nothing is shown (a frontend call)
   */
  public PullStep(ProgressEmitter progress, String buildId, String name) {
    this.progress = progress;
    this.id = "pull:" + buildId + ":" + name;
    this.title = "pulling " + name;
  }

  @Override
  public synchronized void report(
      TransferKind kind,
      String transferId,
      String name,
      Instant transferStarted,
      long current,
      long total,
      boolean completed) {
    if (progress == null) {
      return;
    }
    if (started == null) {
      started = Instant.now();
      progress.step(id, title, VertexState.VERTEX_STATE_STARTED, started, null);
    }
    progress
        .transfers(id)
        .report(kind, transferId, name, transferStarted, current, total, completed);
  }

  /** Ends the step, when it began, as done or (with an error) failed. */
  public synchronized void finish(String error) {
    if (started != null) {
      progress.step(
          id,
          title,
          error == null ? VertexState.VERTEX_STATE_DONE : VertexState.VERTEX_STATE_ERROR,
          started,
          error);
    }
  }
}
